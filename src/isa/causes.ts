/**
 * Trap cause names (mcause/scause values), privileged spec 1.12.
 */

const EXCEPTION_NAMES: readonly (string | undefined)[] = [
  'instruction address misaligned',
  'instruction access fault',
  'illegal instruction',
  'breakpoint',
  'load address misaligned',
  'load access fault',
  'store/AMO address misaligned',
  'store/AMO access fault',
  'environment call from U-mode',
  'environment call from S-mode',
  undefined,
  'environment call from M-mode',
  'instruction page fault',
  'load page fault',
  undefined,
  'store/AMO page fault',
];

const INTERRUPT_NAMES: readonly (string | undefined)[] = [
  undefined,
  'supervisor software interrupt',
  undefined,
  'machine software interrupt',
  undefined,
  'supervisor timer interrupt',
  undefined,
  'machine timer interrupt',
  undefined,
  'supervisor external interrupt',
  undefined,
  'machine external interrupt',
];

/** Exception cause codes (the `mcause` value with the interrupt bit clear). */
export const enum ExceptionCause {
  InstructionMisaligned = 0,
  InstructionAccessFault = 1,
  IllegalInstruction = 2,
  Breakpoint = 3,
  LoadMisaligned = 4,
  LoadAccessFault = 5,
  StoreMisaligned = 6,
  StoreAccessFault = 7,
  EcallFromU = 8,
  EcallFromS = 9,
  EcallFromM = 11,
  InstructionPageFault = 12,
  LoadPageFault = 13,
  StorePageFault = 15,
}

/** Interrupt cause codes (the `mcause` value without its interrupt bit). */
export const enum InterruptCause {
  SupervisorSoftware = 1,
  MachineSoftware = 3,
  SupervisorTimer = 5,
  MachineTimer = 7,
  SupervisorExternal = 9,
  MachineExternal = 11,
}

/** Names an exception code (`2` -> `illegal instruction`); reserved codes read `exception N`. */
export function exceptionName(code: number): string {
  return EXCEPTION_NAMES[code] ?? `exception ${code}`;
}

/** Names an interrupt code (`7` -> `machine timer interrupt`); reserved codes read `interrupt N`. */
export function interruptName(code: number): string {
  return INTERRUPT_NAMES[code] ?? `interrupt ${code}`;
}

/**
 * Names a full XLEN=64 cause register value: the top bit selects interrupt
 * versus exception, the rest is the code.
 */
export function causeName(mcause: bigint): string {
  const isInterrupt = (mcause >> 63n) & 1n;
  const code = Number(mcause & 0x7fff_ffff_ffff_ffffn);
  return isInterrupt ? interruptName(code) : exceptionName(code);
}
