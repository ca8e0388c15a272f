#!/bin/sh
# Stands in for Prisma's schema engine, which cannot be downloaded offline. `prisma generate` never
# runs it; migrations are applied by the project's own runner (npm run db:migrate).
echo "prisma schema engine is not installed here: migrations are applied by 'npm run db:migrate'" >&2
exit 1
