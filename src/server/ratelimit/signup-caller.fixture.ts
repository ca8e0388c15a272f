import { closeDb, db } from "../db/client";
import { beginSignUp, signUpPolicies } from "./signup";

/**
 * A portal-like caller for signup.test.ts: its own process and database client, making ATTEMPTS
 * sign-up attempts from ADDRESS at the instant NOW, printing how many were allowed.
 */
const attempts = Number(process.env.ATTEMPTS);
const now = new Date(Number(process.env.NOW));
const policies = signUpPolicies(Number(process.env.PER_MINUTE));
let allowed = 0;
for (let i = 0; i < attempts; i++) if ((await beginSignUp(db, process.env.ADDRESS!, policies, now)).allowed) allowed++;
await closeDb();
console.log(JSON.stringify({ allowed }));
