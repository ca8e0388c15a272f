import type { Bot } from "mineflayer";
import { Vec3 } from "vec3";
import prismarineItem from "prismarine-item";

/** The block's name at a position as the bot sees it ("air" when loaded and empty). */
export function blockNameAt(bot: Bot, pos: Vec3): string | null {
  return bot.blockAt(pos)?.name ?? null;
}

/**
 * A creative-mode bot puts a block of `name` on top of the first solid block below it (within
 * reach) and waits until the server confirms it. Returns where the new block is.
 */
export async function placeBlockNear(bot: Bot, name: string): Promise<Vec3> {
  const Item = prismarineItem(bot.registry);
  const id = bot.registry.itemsByName[name]!.id;
  await bot.creative.setInventorySlot(36, new Item(id, 1));
  bot.setQuickBarSlot(0);
  const here = bot.entity.position.floored();
  for (let dy = 0; dy <= 6; dy++) {
    for (const [dx, dz] of [[1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [2, 0]] as const) {
      const ref = bot.blockAt(here.offset(dx, -dy, dz));
      const above = bot.blockAt(here.offset(dx, -dy + 1, dz));
      if (ref && ref.boundingBox === "block" && above?.name === "air") {
        await bot.lookAt(ref.position.offset(0.5, 1, 0.5), true);
        await bot.placeBlock(ref, new Vec3(0, 1, 0));
        return ref.position.offset(0, 1, 0);
      }
    }
  }
  throw new Error(`no solid block within reach below ${here}`);
}
