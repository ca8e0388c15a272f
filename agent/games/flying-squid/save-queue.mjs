// Packed into the flying-squid artifact beside launcher.mjs, which applies it before the server starts.
//
// prismarine-world 3.7's World#saveNow starts a write for every queued chunk, awaits them, and then
// clears the whole queue, so a chunk queued while those writes ran is dropped unwritten: a block
// placed during a periodic save never reached disk (lost on restart, missing from backups), and the
// next save-all found an empty queue. This saveNow removes only the entries it wrote. queueSaving
// stores a new entry object on every call, so an entry replaced meanwhile (its chunk changed again)
// stays queued for the next save, and a column waiting to unload is dropped only once it is saved.

const MARK = Symbol.for("zlh.saveNowKeepsLateChunks");

export function keepLateChunksQueued(World) {
  if (World.prototype.saveNow[MARK]) return;
  async function saveNow() {
    if (this.savingQueue.size === 0) return;
    const batch = [...this.savingQueue.entries()];
    for (const [key, { chunkX, chunkZ }] of batch) {
      this.finishedSaving = Promise.all([this.finishedSaving, this.storageProvider.save(chunkX, chunkZ, this.columns[key])]);
    }
    await this.finishedSaving;
    for (const [key, entry] of batch) {
      if (this.savingQueue.get(key) === entry) this.savingQueue.delete(key);
    }
    for (const [key, { chunkX, chunkZ }] of this.unloadQueue.entries()) {
      if (!this.savingQueue.has(key)) this.forceUnloadColumn(key, chunkX, chunkZ);
    }
    this.emit("doneSaving");
  }
  saveNow[MARK] = true;
  World.prototype.saveNow = saveNow;
}
