/**
 * Shared UI primitives (Tailwind, dark theme). Server-component safe: none holds state, so they
 * work in server and client components alike. Brand colour: `brand-*` (see src/app/globals.css).
 */
export { Alert } from "./alert";
export { Badge, type Tone } from "./badge";
export { Button, ButtonLink, buttonClasses, type ButtonSize, type ButtonVariant } from "./button";
export { Card, CardBody, CardDescription, CardFooter, CardHeader, CardTitle } from "./card";
export { EmptyState } from "./empty-state";
export { Field, Input } from "./input";
export { PageHeader } from "./page-header";
export { Spinner } from "./spinner";
