import { inject } from "vitest";

/** Call at the top of an integration test file that touches the database. */
export function useTestDatabase(): string {
  const url = inject("databaseUrl");
  process.env.DATABASE_URL = url;
  return url;
}
