-- code-server has no address of its own any more: the hosted IDE reaches it through the agent's
-- tunnel (#15), so the column that held its URL goes.
ALTER TABLE "Server" DROP COLUMN "codeServerUrl";
