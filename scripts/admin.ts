// npm run admin -- grant|revoke <email> | list: the operator role (#17), on DATABASE_URL or the
// embedded database under ZLH_DATA_DIR (reused when the portal is running on it).
import { dataDir } from "../src/env";
import { setRole } from "../src/server/admin/roles";
import { bootstrapDatabase } from "../src/server/db/bootstrap";
import { closeDb, db } from "../src/server/db/client";

const USAGE = "usage: npm run admin -- grant <email> | revoke <email> | list\n";

async function main(argv: string[]): Promise<number> {
  const [cmd, email, extra] = argv;
  if (!cmd || extra !== undefined || ((cmd === "grant" || cmd === "revoke") && !email) || !["grant", "revoke", "list"].includes(cmd)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const database = await bootstrapDatabase(dataDir);
  try {
    if (cmd === "list") {
      const admins = await db.user.findMany({ where: { role: "admin", deletedAt: null }, select: { email: true, createdAt: true }, orderBy: { createdAt: "asc" } });
      process.stdout.write(admins.length ? `${admins.map((a) => a.email).join("\n")}\n` : "no admins yet: npm run admin -- grant <email>\n");
      return 0;
    }
    const r = await setRole(email!, cmd === "grant" ? "admin" : "user", "npm run admin");
    if (!r) {
      process.stderr.write(`no account with the email ${email} (sign up first, or list it in ZLH_ADMIN_EMAILS)\n`);
      return 1;
    }
    process.stdout.write(r.changed ? `${email} is ${cmd === "grant" ? "now an admin" : "no longer an admin"}\n` : `${email} already ${cmd === "grant" ? "is an admin" : "is not an admin"}: nothing changed\n`);
    return 0;
  } finally {
    await closeDb();
    await database.stop();
  }
}

process.exit(await main(process.argv.slice(2)));
