import type { AgentContext } from "../context";
import type { ProvisionPayload, ProvisionProgress } from "../contract/provision";
import type { AgentState } from "../contract/status";
import { AGENT_EVENT, type AgentEvent } from "../contract/events";
import { conflict } from "../http/errors";
import { prepareDevEnvironment } from "../devenv";
import type { RuntimeManager } from "../runtimes";
import { loadSavedProvision, samePayload, saveProvision } from "./provision-state";

/**
 * The provisioning pipeline and the agent's state machine:
 * booting -> (ready | provisioning -> ready | error). Steps: prepare the dev environment and
 * install the runtime (dev), then the steps other modules contributed. The payload is saved before
 * the run, so a restarted agent resumes an interrupted run and knows a finished one.
 */
export class Provisioner {
  state: AgentState = "booting";
  error?: string;
  progress?: ProvisionProgress;
  payload?: ProvisionPayload;
  complete = false;
  private running?: Promise<void>;
  private controller?: AbortController;
  private stopping = false;
  private resumeOnStart = false;

  constructor(
    private ctx: AgentContext,
    private runtimes: RuntimeManager,
  ) {}

  /** Reads the saved state (before the agent listens). */
  async load(): Promise<void> {
    const saved = await loadSavedProvision(this.ctx);
    if (!saved) return;
    this.payload = saved.payload;
    this.complete = saved.complete;
    this.error = saved.error;
    this.resumeOnStart = !saved.complete && !saved.error;
  }

  /** Once every module is registered: resume an interrupted run, or settle. */
  start(): void {
    if (this.resumeOnStart && this.payload) {
      this.ctx.log.warn("resuming an interrupted provisioning run");
      this.launch(this.payload);
    } else this.setState(this.error ? "error" : "ready");
  }

  /** POST /provision: true when a run was started, false for a no-op (same payload running or done). */
  submit(payload: ProvisionPayload): boolean {
    const same = samePayload(this.payload, payload);
    if (this.running) {
      if (same) return false;
      throw conflict("a different provisioning payload is running; wait for it to finish");
    }
    if (same && this.complete) return false;
    this.payload = payload;
    this.complete = false;
    this.error = undefined;
    this.launch(payload);
    return true;
  }

  /** SIGTERM: abort the run without recording a failure, so the next start resumes it. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.controller?.abort(new Error("agent shutting down"));
    await this.running;
  }

  private launch(payload: ProvisionPayload): void {
    this.controller = new AbortController();
    this.setState("provisioning");
    this.running = this.run(payload, this.controller.signal).finally(() => {
      this.running = undefined;
      this.controller = undefined;
    });
  }

  private async run(payload: ProvisionPayload, signal: AbortSignal): Promise<void> {
    const report = (p: ProvisionProgress) => {
      this.progress = p;
      const ev: AgentEvent = { type: "progress", ...p };
      this.ctx.events.emit(AGENT_EVENT, ev);
    };
    let step = "devenv";
    try {
      await saveProvision(this.ctx, { payload, complete: false });
      if (payload.kind === "dev") {
        report({ step, phase: "configure", message: "preparing the dev environment" });
        await prepareDevEnvironment(this.ctx);
        if (payload.runtime) {
          step = "runtime";
          const name = payload.runtime.name;
          report({ step, phase: "pending", message: `installing ${name}` });
          await this.runtimes.install(payload.runtime, { signal, onProgress: (p) => report({ step: "runtime", ...p, message: `installing ${name}` }) });
        }
      }
      for (const s of this.ctx.provisionSteps().filter((s) => s.applies(payload))) {
        step = s.name;
        if (signal.aborted) throw signal.reason;
        report({ step, phase: "pending" });
        await s.run(payload, (p) => report({ step: s.name, ...p }));
      }
      this.complete = true;
      await saveProvision(this.ctx, { payload, complete: true });
      report({ step: "done", phase: "done" });
      this.ctx.log.info({ kind: payload.kind }, "provisioning complete");
      this.setState("ready");
    } catch (err) {
      if (this.stopping) return;
      const msg = `${step}: ${(err as Error).message}`;
      this.error = msg;
      this.ctx.log.error({ step, err: (err as Error).message }, "provisioning failed");
      await saveProvision(this.ctx, { payload, complete: false, error: msg }).catch(() => undefined);
      report({ step, phase: "failed", message: msg });
      this.setState("error");
    }
  }

  private setState(state: AgentState): void {
    this.state = state;
    const ev: AgentEvent = { type: "state", state, provisioningComplete: this.complete, ...(state === "error" && this.error ? { error: this.error } : {}) };
    this.ctx.events.emit(AGENT_EVENT, ev);
  }
}
