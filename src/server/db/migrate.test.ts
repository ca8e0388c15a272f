import { describe, expect, it } from "vitest";
import { pendingMigrations, type Migration } from "./migrate";

const m = (name: string, checksum = name): Migration => ({ name, sql: "", checksum });
const row = (name: string, checksum = name, finished = true) => ({
  migration_name: name,
  checksum,
  finished_at: finished ? new Date() : null,
  rolled_back_at: null,
});

describe("pendingMigrations", () => {
  it("returns the migrations not yet applied, in order", () => {
    expect(pendingMigrations([m("1_a"), m("2_b"), m("3_c")], [row("1_a")]).map((x) => x.name)).toEqual(["2_b", "3_c"]);
  });
  it("refuses an applied migration whose file changed", () => {
    expect(() => pendingMigrations([m("1_a", "new")], [row("1_a", "old")])).toThrow(/changed after it was applied/);
  });
  it("refuses to go on after a failed migration", () => {
    expect(() => pendingMigrations([m("1_a")], [row("1_a", "1_a", false)])).toThrow(/failed earlier/);
  });
});
