// Applies pending migrations to DATABASE_URL (or the embedded database under ZLH_DATA_DIR).
import { dataDir } from "../src/env";
import { bootstrapDatabase } from "../src/server/db/bootstrap";

const db = await bootstrapDatabase(dataDir);
await db.stop();
