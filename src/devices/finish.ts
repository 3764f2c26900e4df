/**
 * How a guest asked the machine to stop, reported by the test finisher and
 * the HTIF. The VMM ends the run (or resets the machine) when it receives one.
 *
 * - `pass`: the guest reported success (exit status 0).
 * - `fail`: the guest reported failure with `code` (QEMU exits with it).
 * - `reset`: the guest asked for a machine reset.
 * - `unsupported`: the guest asked for a service we do not emulate (HTIF
 *   syscall proxy); `reason` says which.
 */
export interface FinishEvent {
  readonly kind: 'pass' | 'fail' | 'reset' | 'unsupported';
  /** Exit code as QEMU would use it (0 for pass and reset). */
  readonly code: number;
  /** One line for humans, naming the device and what the guest wrote. */
  readonly reason: string;
}

/** Receives finish requests from a device. */
export type FinishSink = (event: FinishEvent) => void;
