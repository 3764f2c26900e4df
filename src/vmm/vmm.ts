import type { Hart } from '../cpu/hart.js';
import { wakeUpPending, type TrapInfo } from '../cpu/trap.js';
import type { FinishEvent } from '../devices/finish.js';
import { ExitReason } from '../exec/backend.js';
import { createBackend, type BackendName, type BackendOptions, type VmmBackend } from '../exec/backends.js';
import { withTestPerturbation } from '../exec/perturb.js';
import type { InterpHart } from '../exec/interp/interpreter.js';
import type { GuestImage } from '../machine/virt.js';
import { VirtMachine } from '../machine/virt.js';
import { HostClock, VirtualClock, type GuestClock, type HostTimeSource } from './clock.js';
import { BuiltinFirmware } from './sbi.js';

/** Longest slice a hart runs before the VMM looks at devices and timers again. */
const QUANTUM = 1 << 20;

/** How a run ended. */
export type StopReason = 'pass' | 'fail' | 'reset' | 'unsupported' | 'max-insns' | 'idle' | 'trap-loop' | 'paused';

/** The outcome of `Vmm.run`. */
export interface RunOutcome {
  readonly reason: StopReason;
  /** Exit status for the host process: the guest's code, 0 at a plain limit. */
  readonly exitCode: number;
  /** One line for humans. */
  readonly message: string;
  /** Instructions retired by all harts. */
  readonly instructions: number;
}

/** One retired instruction, for `--trace-insns`. */
export interface RetiredInstruction {
  readonly hart: number;
  /** The icount before the instruction retired (0 for the first). */
  readonly icount: number;
  readonly pc: bigint;
  readonly raw: number;
  readonly len: number;
}

/** Where the round-robin of harts stands between two calls of `Vmm.run`. */
export interface SchedulerState {
  /** Index of the hart whose turn it is (the number of harts: the round is over). */
  turn: number;
  /** The icount at which that hart's current slice ends, or -1 before the slice has started. */
  sliceEnd: number;
  /** Whether every hart that had its turn in this round was waiting. */
  roundAllWaiting: boolean;
}

/** What to build and run. */
export interface VmmConfig {
  /** Firmware (QEMU's `-bios FILE`), `builtin` for the VMM's own SBI, none when absent. */
  readonly bios?: GuestImage | 'builtin';
  readonly kernel?: GuestImage;
  readonly initrd?: GuestImage;
  /** Kernel command line (QEMU's `-append`). */
  readonly append?: string;
  /** Host-clock mode: the guest sees this real time (every reading is reported); virtual time otherwise. */
  readonly hostTime?: HostTimeSource;
  readonly memoryMiB?: number;
  readonly harts?: number;
  /** Console output bytes. */
  readonly console: (byte: number) => void;
  /**
   * Console input known before the run (a file): queued in the UART, which
   * takes it as the guest reads, so the run stays deterministic.
   */
  readonly input?: Uint8Array;
  /** The execution backend (default `interp`). */
  readonly backend?: BackendName;
  /**
   * Tuning of the backend (default: its own), e.g. `{ hotBlockHits: 1 }` so
   * that dbt translates every block the first time it reaches it.
   */
  readonly backendOptions?: BackendOptions;
}

/**
 * The VMM run loop: builds the virt board with a backend, runs the harts in
 * slices that end exactly at timer deadlines, handles WFI by skipping
 * virtual time, and stops on a power-off request or the instruction limit.
 */
export class Vmm {
  readonly machine: VirtMachine;
  readonly clock: GuestClock;
  readonly backend: VmmBackend;
  private finish: FinishEvent | undefined;
  /** The hart whose slice is running, if any. */
  private running: Hart | undefined;
  private pauseRequested = false;
  /** Whether the running slice wrote to a device (which ends the slice). */
  private sliceWrote = false;
  private schedule: SchedulerState = { turn: 0, sliceEnd: -1, roundAllWaiting: true };

  /** The hart whose slice is running, if any (devices act on its behalf). */
  runningHart(): Hart | undefined {
    return this.running;
  }
  private readonly harts: Hart[];

  /** @throws ImageError when an image cannot be loaded. */
  constructor(config: VmmConfig) {
    const hartList: Hart[] = [];
    const clock: GuestClock = config.hostTime === undefined ? new VirtualClock(hartList) : new HostClock(config.hostTime);
    this.machine = new VirtMachine({
      memoryMiB: config.memoryMiB ?? 128,
      harts: config.harts ?? 1,
      bios: config.bios === 'builtin' ? undefined : config.bios,
      builtinFirmware: config.bios === 'builtin',
      kernel: config.kernel,
      initrd: config.initrd,
      append: config.append,
      console: config.console,
      time: clock,
      onFinish: (event) => this.requestFinish(event),
    });
    hartList.push(...this.machine.harts);
    // A device write can set or move a deadline (mtimecmp, an RTC alarm): end
    // the slice after that instruction so the next budget is computed from the
    // new deadlines.
    this.machine.bus.afterWrite = () => {
      const hart = this.running;
      this.sliceWrote = true;
      if (hart !== undefined) {
        hart.stopRequest = true;
        hart.interruptCheck = true;
      }
    };
    this.harts = this.machine.harts;
    this.clock = clock;
    this.backend = withTestPerturbation(createBackend(config.backend ?? 'interp', this.machine.bus, config.backendOptions));
    if (config.bios === 'builtin') {
      const firmware = new BuiltinFirmware({ machine: this.machine, console: config.console, finish: (event) => this.requestFinish(event) });
      firmware.reset(this.machine.entry, BigInt(this.machine.fdtAddress));
    }
    if (config.input !== undefined && config.input.length > 0) this.machine.uart.pushInput(config.input);
    for (const hart of this.harts) {
      this.backend.forHart(hart).csr.readTime = () => this.machine.aclint.mtime();
    }
  }

  /** Register an observer for every trap and interrupt taken. */
  onTrap(observer: (info: TrapInfo) => void): void {
    for (const hart of this.harts) this.backend.forHart(hart).onTrap = observer;
  }

  private requestFinish(event: FinishEvent): void {
    this.finish ??= event;
    for (const hart of this.harts) {
      hart.stopRequest = true;
      hart.interruptCheck = true;
    }
  }

  /**
   * Forget a power-off or reset request, so that `run` goes on: for a replay
   * that restored the machine to a point before the request.
   */
  clearFinish(): void {
    this.finish = undefined;
  }

  /**
   * Make `run` return (reason `paused`) after the current instruction: a
   * replay that found a divergence, or a debugger, stops the machine here.
   */
  pause(): void {
    this.pauseRequested = true;
    for (const hart of this.harts) {
      hart.stopRequest = true;
      hart.interruptCheck = true;
    }
  }

  /** Instructions retired so far by all harts. */
  instructions(): number {
    return this.harts.reduce((sum, hart) => sum + hart.icount, 0);
  }

  /**
   * Run until the guest stops or the hart whose turn it is reaches
   * `maxInstructions`. With `onRetire`, instructions run one at a time and
   * each is reported.
   *
   * Why a limit suspends instead of ending the slice: harts take turns in
   * slices that end at a quantum, a device deadline, a device write or WFI,
   * and the slice boundaries are guest-visible (devices sync there, and in
   * host-clock mode the VMM reads the clock there). Reaching the limit
   * inside a slice only suspends it: the next `run` resumes it without a
   * boundary, so where callers stop a run (digests, snapshots, seeks, a
   * debugger's steps) never changes what the guest sees, with any number of
   * harts.
   */
  run(maxInstructions = Infinity, onRetire?: (insn: RetiredInstruction) => void): RunOutcome {
    const machine = this.machine;
    for (;;) {
      if (this.pauseRequested) {
        this.pauseRequested = false;
        for (const hart of this.harts) hart.stopRequest = false;
        return { reason: 'paused', exitCode: 0, message: 'paused', instructions: this.instructions() };
      }
      if (this.finish !== undefined) return this.outcome(this.finish);
      if (this.schedule.turn === this.harts.length) {
        const idle = this.endRound();
        if (idle !== undefined) return idle;
        continue;
      }
      const hart = this.harts[this.schedule.turn]!;
      if (this.schedule.sliceEnd < 0) {
        // A waiting hart resumes once an interrupt is pending and enabled in
        // mie, even with MIE/SIE clear (WFI's wake-up rule): another hart's
        // IPI or a device can end the wait, not only the clock.
        if (hart.waiting && wakeUpPending(hart)) hart.waiting = false;
        if (hart.waiting || !hart.powered) {
          this.schedule.turn++;
          continue;
        }
        this.schedule.roundAllWaiting = false;
        if (hart.icount >= maxInstructions) return this.limitReached(maxInstructions);
        const deadline = machine.nextDeadline();
        const untilTimer = deadline === null ? QUANTUM : this.clock.instructionsUntil(deadline);
        this.schedule.sliceEnd = hart.icount + Math.min(QUANTUM, untilTimer);
      }
      const budget = Math.min(this.schedule.sliceEnd, maxInstructions) - hart.icount;
      if (budget <= 0) return this.limitReached(maxInstructions);
      this.running = hart;
      this.sliceWrote = false;
      const exit = onRetire === undefined ? this.backend.run(hart, budget) : this.stepTraced(hart, budget, onRetire);
      this.running = undefined;
      if (exit === ExitReason.TRAP_LOOP) return this.trapLoop(hart);
      const stoppedForPause = exit === ExitReason.STOP && this.pauseRequested && !this.sliceWrote;
      const suspended = !hart.waiting && hart.icount < this.schedule.sliceEnd && (exit === ExitReason.BUDGET || stoppedForPause);
      if (suspended) continue;
      this.schedule.sliceEnd = -1;
      this.schedule.turn++;
      machine.syncDevices();
    }
  }

  /** The scheduler's position: a snapshot holds it, so a restored run goes on exactly as the recorded one did. */
  get schedulerState(): SchedulerState {
    return { ...this.schedule };
  }

  set schedulerState(state: SchedulerState) {
    if (!Number.isInteger(state.turn) || state.turn < 0 || state.turn > this.harts.length) throw new Error(`scheduler turn ${state.turn} is not a hart of this machine`);
    this.schedule = { ...state };
  }

  /** After every hart had its turn: skip idle time when all of them wait, or report that nothing can wake them. */
  private endRound(): RunOutcome | undefined {
    const allWaiting = this.schedule.roundAllWaiting;
    this.schedule.turn = 0;
    this.schedule.roundAllWaiting = true;
    if (!allWaiting) return undefined;
    const deadline = this.machine.nextDeadline();
    if (deadline === null) {
      return { reason: 'idle', exitCode: 1, message: 'all harts wait for an interrupt that can never come', instructions: this.instructions() };
    }
    this.clock.skipTo(deadline);
    this.machine.syncDevices();
    for (const hart of this.harts) hart.waiting = false;
    return undefined;
  }

  private limitReached(maxInstructions: number): RunOutcome {
    return { reason: 'max-insns', exitCode: 0, message: `instruction limit reached (${maxInstructions})`, instructions: this.instructions() };
  }

  private stepTraced(hart: Hart, budget: number, onRetire: (insn: RetiredInstruction) => void): ExitReason {
    const core: InterpHart = this.backend.forHart(hart);
    const observer = core.onTrap;
    // A step that takes a trap retires an instruction of the handler, not the
    // one that trapped: note where the last trap of the step went.
    let trapped: { pc: bigint; insn: ReturnType<InterpHart['peekInstruction']> } | undefined;
    core.onTrap = (info) => {
      observer?.(info);
      trapped = { pc: hart.getPc(), insn: core.peekInstruction() };
    };
    let exit = ExitReason.BUDGET;
    try {
      for (let i = 0; i < budget && !hart.waiting && this.finish === undefined; i++) {
        const before = hart.icount;
        let pc = hart.getPc();
        let insn = core.peekInstruction();
        trapped = undefined;
        exit = this.backend.run(hart, 1);
        if (trapped !== undefined) ({ pc, insn } = trapped);
        if (hart.icount > before && insn !== null) onRetire({ hart: hart.hartId, icount: before, pc, raw: insn.raw, len: insn.len });
        if (exit === ExitReason.STOP || exit === ExitReason.TRAP_LOOP) break;
      }
    } finally {
      core.onTrap = observer;
    }
    return exit;
  }

  private trapLoop(hart: Hart): RunOutcome {
    const cause = hart.mcause;
    return {
      reason: 'trap-loop',
      exitCode: 1,
      message: `hart ${hart.hartId} is stuck: exceptions keep being taken at pc 0x${hart.getPc().toString(16)} without any instruction retiring (last mcause ${cause}, scause ${hart.scause})`,
      instructions: this.instructions(),
    };
  }

  private outcome(event: FinishEvent): RunOutcome {
    return { reason: event.kind, exitCode: event.code, message: event.reason, instructions: this.instructions() };
  }
}
