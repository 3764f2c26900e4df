/**
 * Test helper: assembly lines covering every RV64GC instruction form with
 * boundary operands, and every RV64C mnemonic, for comparisons with GNU as.
 */
import { INSTRUCTION_FORMS, type InstructionForm } from '../../../src/isa/forms.js';

const X_NAMES = ['zero', 'ra', 'sp', 'x3', 'tp', 't0', 'fp', 's1', 'a0', 'a5', 'x17', 's2', 's11', 't3', 't6', 'x31'];
const F_NAMES = ['ft0', 'f1', 'fs0', 'fa0', 'fa7', 'fs11', 'ft11', 'f31', 'fs1', 'fa3'];
const IMM12 = [-2048, -1, 0, 1, 2047, 100];
const UIMM20 = [0, 1, 0xfffff, 0x12345, 0x80000];
const CSRS = ['mstatus', '0x7c0', 'fflags', 'satp', 'mhartid', 'pmpaddr63', 'cycle', 'mhpmevent31', '4095'];
const ROUNDING = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn'];
const FENCE_SETS = ['iorw', 'rw', 'w', 'r', 'i', 'o', 'io'];

function operand(arg: string, k: number): string {
  const x = X_NAMES[k % X_NAMES.length]!;
  const f = F_NAMES[k % F_NAMES.length]!;
  switch (arg) {
    case 'd': case 's': case 't': return x;
    case 'D': case 'S': case 'T': case 'R': return f;
    case 'j': return String(IMM12[k % IMM12.length]);
    case 'o': case 'q': return `${IMM12[k % IMM12.length]}(${x})`;
    case 'A': return `(${x})`;
    case 'u': return `0x${UIMM20[k % UIMM20.length]!.toString(16)}`;
    case 'a': return `.${['+0', '-1048576', '+1048574', '+8', '-2'][k % 5]}`;
    case 'p': return `.${['+0', '-4096', '+4094', '+8', '-2'][k % 5]}`;
    case '>': return String([0, 1, 63, 32, 17][k % 5]);
    case '<': return String([0, 1, 31, 16][k % 4]);
    case 'E': return CSRS[k % CSRS.length]!;
    case 'Z': return String([0, 1, 31, 17][k % 4]);
    case 'm': return ROUNDING[k % ROUNDING.length]!;
    case 'P': case 'Q': return FENCE_SETS[k % FENCE_SETS.length]!;
    default: throw new Error(`no sample for operand ${arg}`);
  }
}

/** GNU as 2.40 rejects a rounding mode on the exact int-to-double conversions. */
function acceptsRoundingMode(form: InstructionForm): boolean {
  return form.defaultRm === 7;
}

/** Lines for every 32-bit form: `variants` operand choices each (plus `.aq`/`.rl` forms for atomics). */
export function baseInstructionLines(variants = 6): string[] {
  const lines: string[] = [];
  for (const form of INSTRUCTION_FORMS) {
    for (let v = 0; v < variants; v++) {
      let args = form.args;
      if (args.at(-1) === 'm' && (v % 2 === 0 || !acceptsRoundingMode(form))) args = args.slice(0, -1);
      const ops = args.map((arg, i) => operand(arg, v * 3 + i * 5 + (arg === 'Q' ? 2 : 0)));
      const suffix = form.atomic ? ['', '.aq', '.rl', '.aqrl'][v % 4] : '';
      lines.push(`${form.name}${suffix} ${ops.join(',')}`.trim());
    }
  }
  return lines;
}

/** Lines for every RV64C mnemonic with boundary operands (all accepted by GNU as). */
export const COMPRESSED_LINES: readonly string[] = [
  'c.addi4spn a0,sp,4', 'c.addi4spn s1,sp,1020', 'c.addi4spn a5,sp,520',
  'c.fld fa0,0(a0)', 'c.fld fs1,248(a5)', 'c.lw a0,124(s0)', 'c.lw a4,4(a1)', 'c.ld a0,248(s1)', 'c.ld a2,8(a3)',
  'c.fsd fa5,240(a4)', 'c.sw s0,64(a0)', 'c.sw a1,0(a2)', 'c.sd a5,248(s0)', 'c.sd a3,16(a4)',
  'c.nop', 'c.addi a0,-32', 'c.addi t6,31', 'c.addi s2,0', 'c.addi zero,0', 'c.addiw a0,-1', 'c.addiw t0,31', 'c.addiw s3,0',
  'c.li a0,-32', 'c.li ra,31', 'c.li zero,1', 'c.addi16sp sp,-512', 'c.addi16sp sp,496', 'c.addi16sp sp,16',
  'c.lui a0,1', 'c.lui t6,0xfffff', 'c.lui s0,0xfffe0', 'c.lui ra,31', 'c.lui zero,1',
  'c.srli a0,1', 'c.srli s1,63', 'c.srai a5,32', 'c.srai s0,1', 'c.andi a0,-32', 'c.andi a1,31', 'c.andi s0,0',
  'c.sub a0,a1', 'c.xor s0,s1', 'c.or a4,a5', 'c.and a2,a3', 'c.subw a0,s1', 'c.addw a5,a0',
  'c.j .+0', 'c.j .-2048', 'c.j .+2046', 'c.j .+86', 'c.beqz a0,.-256', 'c.beqz s1,.+254', 'c.bnez a5,.+10', 'c.bnez s0,.-2',
  'c.slli a0,1', 'c.slli t6,63', 'c.slli zero,1', 'c.fldsp fa0,0(sp)', 'c.fldsp ft11,504(sp)', 'c.lwsp a0,252(sp)', 'c.lwsp ra,4(sp)',
  'c.ldsp s0,504(sp)', 'c.ldsp t6,8(sp)', 'c.jr ra', 'c.jr t6', 'c.mv a0,a1', 'c.mv zero,t6', 'c.ebreak', 'c.jalr a0', 'c.jalr ra',
  'c.add a0,a1', 'c.add zero,s0', 'c.fsdsp fa0,504(sp)', 'c.fsdsp ft0,8(sp)', 'c.swsp a0,252(sp)', 'c.swsp zero,0(sp)',
  'c.sdsp ra,504(sp)', 'c.sdsp t6,8(sp)', 'c.unimp',
];

/** Pseudo-instruction lines whose expansion GNU as and ours must share (no `li`, whose sequence may differ). */
export const PSEUDO_LINES: readonly string[] = [
  'nop', 'mv a0,a1', 'not t0,t1', 'neg a0,s1', 'negw a0,a1', 'sext.w a5,a4', 'seqz a0,a1', 'snez a0,a1', 'sltz a0,a1', 'sgtz a0,a1',
  'beqz a0,.+8', 'bnez a1,.-8', 'blez a2,.+16', 'bgez a3,.', 'bltz a4,.+4094', 'bgtz a5,.-4096',
  'bgt a0,a1,.+8', 'ble a0,a1,.+8', 'bgtu a0,a1,.-8', 'bleu a0,a1,.-8',
  'j .+16', 'jal .-16', 'jal t0,.+8', 'jr a0', 'jalr a0', 'jalr t0,a0', 'jalr ra,4(a0)', 'jalr a1,a2,-8', 'ret',
  'csrr a0,mstatus', 'csrw mtvec,a0', 'csrs mie,a1', 'csrc mip,a2', 'csrwi mstatus,8', 'csrsi mstatus,31', 'csrci 0x300,1',
  'frcsr a0', 'fscsr a1', 'fscsr a0,a1', 'frrm a0', 'fsrm a1', 'fsrm a0,a1', 'frflags t0', 'fsflags t1', 'fsflags t0,t1',
  'fsrmi 3', 'fsrmi a0,4', 'fsflagsi 1', 'fsflagsi a1,31',
  'fmv.s fa0,fa1', 'fmv.d fa0,fa1', 'fabs.s fa0,fa1', 'fabs.d ft0,ft1', 'fneg.s fa0,fa1', 'fneg.d fs0,fs1',
  'rdcycle a0', 'rdtime a1', 'rdinstret a2', 'unimp', 'fence', 'fence.tso', 'sfence.vma', 'sfence.vma a0', 'sfence.vma a0,a1',
  'lr.w a0,0(a1)', 'amoswap.d.aqrl a0,a1,0(a2)', 'ld a0,(a1)', 'sd a0,(a1)',
];

/** Major opcodes of RV64GC (bits 6..0). */
export const MAJOR_OPCODES: readonly number[] = [
  0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43, 0x47, 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f, 0x73,
];

/**
 * Deterministic pseudo-random 32-bit instruction words: for each major
 * opcode, `perOpcode` words with random upper bits, biased towards small
 * funct7/rs2 values so that the sparse OP-FP and SYSTEM spaces are hit.
 */
export function randomWords(perOpcode: number, seed = 12345): number[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  const words: number[] = [];
  for (const opcode of MAJOR_OPCODES) {
    for (let i = 0; i < perOpcode; i++) {
      let word = (next() & ~0x7f) | opcode;
      const shape = next() % 4;
      if (shape === 1) word = (word & ~(0x3 << 20)) >>> 0;
      if (shape === 2) word = (word & 0x7fffffff & ~(0x1f << 20)) >>> 0;
      if (shape === 3) word = (word & 0x01ffffff) | ((next() % 0x80) << 25);
      words.push(word >>> 0);
    }
  }
  return words;
}

/** Little-endian bytes of 32-bit words. */
export function wordBytes(words: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((word, i) => view.setUint32(i * 4, word, true));
  return bytes;
}

/** Little-endian bytes of 16-bit parcels. */
export function parcelBytes(parcels: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(parcels.length * 2);
  const view = new DataView(bytes.buffer);
  parcels.forEach((parcel, i) => view.setUint16(i * 2, parcel, true));
  return bytes;
}

/** Every 16-bit parcel that is a compressed instruction (low bits not 3). */
export function allCompressedParcels(): number[] {
  const parcels: number[] = [];
  for (let c = 0; c < 0x10000; c++) if ((c & 3) !== 3) parcels.push(c);
  return parcels;
}
