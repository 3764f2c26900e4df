/**
 * 64-bit integer arithmetic on (low, high) int32 halves, without BigInt on the
 * common paths. Results go to `out[0]` (low) and `out[1]` (high).
 */

/** Result halves of the last operation. */
export const out = new Int32Array(2);

const TWO_16 = 65536;
const TWO_32 = 4294967296;
const TWO_52 = 2 ** 52;

/** Full 64-bit product of two unsigned 32-bit numbers, as two uint32 doubles. */
function mulU32(a: number, b: number): void {
  const aLow = a & 0xffff;
  const aHigh = a >>> 16;
  const t1 = aLow * b;
  const t2 = aHigh * b;
  const low = (t2 % TWO_16) * TWO_16 + t1;
  const lowWord = low % TWO_32;
  wideLo = lowWord;
  wideHi = Math.floor(t2 / TWO_16) + Math.floor(low / TWO_32);
}
let wideLo = 0;
let wideHi = 0;

/** Low 64 bits of a * b. */
export function mul(al: number, ah: number, bl: number, bh: number): void {
  if (ah === al >> 31 && bh === bl >> 31) {
    const product = al * bl;
    if (product > -TWO_52 && product < TWO_52) {
      fromNumber(product);
      return;
    }
  }
  mulU32(al >>> 0, bl >>> 0);
  out[0] = wideLo;
  out[1] = (wideHi + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
}

/** High 64 bits of the unsigned 128-bit product a * b. */
export function mulhu(al: number, ah: number, bl: number, bh: number): void {
  const a0 = al >>> 0, a1 = ah >>> 0, b0 = bl >>> 0, b1 = bh >>> 0;
  mulU32(a0, b0);
  const p00h = wideHi;
  mulU32(a0, b1);
  const p01l = wideLo, p01h = wideHi;
  mulU32(a1, b0);
  const p10l = wideLo, p10h = wideHi;
  mulU32(a1, b1);
  const p11l = wideLo, p11h = wideHi;
  const mid = p00h + p01l + p10l;
  const carryMid = Math.floor(mid / TWO_32);
  const high = p01h + p10h + p11l + carryMid;
  out[0] = high % TWO_32;
  out[1] = (p11h + Math.floor(high / TWO_32)) | 0;
}

function subtractFromOut(bl: number, bh: number): void {
  const lo = (out[0]! >>> 0) - (bl >>> 0);
  const borrow = lo < 0 ? 1 : 0;
  out[0] = lo;
  out[1] = (out[1]! - bh - borrow) | 0;
}

/** High 64 bits of the signed product a * b. */
export function mulh(al: number, ah: number, bl: number, bh: number): void {
  mulhu(al, ah, bl, bh);
  if (ah < 0) subtractFromOut(bl, bh);
  if (bh < 0) subtractFromOut(al, ah);
}

/** High 64 bits of signed a times unsigned b. */
export function mulhsu(al: number, ah: number, bl: number, bh: number): void {
  mulhu(al, ah, bl, bh);
  if (ah < 0) subtractFromOut(bl, bh);
}

function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

function fromBig(v: bigint): void {
  out[0] = Number(BigInt.asIntN(32, v));
  out[1] = Number(BigInt.asIntN(32, v >> 32n));
}

/** Whether the signed value fits in a double exactly (|v| < 2^52). */
function smallSigned(hi: number): boolean {
  return hi >= -0x100000 && hi < 0x100000;
}

/** Whether the unsigned value fits in a double exactly (v < 2^52). */
function smallUnsigned(hi: number): boolean {
  return hi >>> 0 < 0x100000;
}

function fromNumber(v: number): void {
  out[0] = v | 0;
  out[1] = Math.floor(v / TWO_32) | 0;
}

/*
 * Why doubles are exact here: for |a|, |b| < 2^52, `a % b` is exact in IEEE
 * arithmetic and truncates toward zero like RISC-V's REM, and `(a - r) / b` is
 * an exact integer quotient. Larger operands take the BigInt path.
 */

/** Signed 64-bit division with RISC-V's results for /0 (-1) and overflow. */
export function div(al: number, ah: number, bl: number, bh: number): void {
  if ((bl | bh) === 0) { out[0] = -1; out[1] = -1; return; }
  if (smallSigned(ah) && smallSigned(bh)) {
    const a = ah * TWO_32 + (al >>> 0), b = bh * TWO_32 + (bl >>> 0);
    fromNumber((a - (a % b)) / b + 0);
    return;
  }
  const a = toBig(al, ah), b = toBig(bl, bh);
  if (b === -1n) { fromBig(-a); return; }
  fromBig(a / b);
}

let shortRemainder = 0;

/**
 * Unsigned 64-bit a divided by a 32-bit divisor, by long division in 16-bit
 * digits (every intermediate stays below 2^48, so doubles are exact). The
 * quotient goes to `out`, the remainder to `shortRemainder`.
 */
function divideByWord(al: number, ah: number, divisor: number): void {
  const high = ah >>> 0;
  let r = high % divisor;
  const qHigh = (high - r) / divisor;
  let t = r * TWO_16 + (al >>> 16);
  r = t % divisor;
  const q1 = (t - r) / divisor;
  t = r * TWO_16 + (al & 0xffff);
  r = t % divisor;
  const q0 = (t - r) / divisor;
  out[0] = q1 * TWO_16 + q0;
  out[1] = qHigh;
  shortRemainder = r;
}

/** Unsigned 64-bit division (/0 gives all ones). */
export function divu(al: number, ah: number, bl: number, bh: number): void {
  if ((bl | bh) === 0) { out[0] = -1; out[1] = -1; return; }
  if (smallUnsigned(ah) && smallUnsigned(bh)) {
    const a = (ah >>> 0) * TWO_32 + (al >>> 0), b = (bh >>> 0) * TWO_32 + (bl >>> 0);
    fromNumber((a - (a % b)) / b);
    return;
  }
  if (bh === 0) { divideByWord(al, ah, bl >>> 0); return; }
  fromBig(BigInt.asUintN(64, toBig(al, ah)) / BigInt.asUintN(64, toBig(bl, bh)));
}

/** Signed 64-bit remainder (x % 0 = x; overflow gives 0). */
export function rem(al: number, ah: number, bl: number, bh: number): void {
  if ((bl | bh) === 0) { out[0] = al; out[1] = ah; return; }
  if (smallSigned(ah) && smallSigned(bh)) {
    const a = ah * TWO_32 + (al >>> 0), b = bh * TWO_32 + (bl >>> 0);
    fromNumber((a % b) + 0);
    return;
  }
  const a = toBig(al, ah), b = toBig(bl, bh);
  if (b === -1n) { out[0] = 0; out[1] = 0; return; }
  fromBig(a % b);
}

/** Unsigned 64-bit remainder (x % 0 = x). */
export function remu(al: number, ah: number, bl: number, bh: number): void {
  if ((bl | bh) === 0) { out[0] = al; out[1] = ah; return; }
  if (smallUnsigned(ah) && smallUnsigned(bh)) {
    const a = (ah >>> 0) * TWO_32 + (al >>> 0), b = (bh >>> 0) * TWO_32 + (bl >>> 0);
    fromNumber(a % b);
    return;
  }
  if (bh === 0) {
    divideByWord(al, ah, bl >>> 0);
    out[0] = shortRemainder;
    out[1] = 0;
    return;
  }
  fromBig(BigInt.asUintN(64, toBig(al, ah)) % BigInt.asUintN(64, toBig(bl, bh)));
}

/** 32-bit signed division, sign-extended result in out[0]. */
export function divw(a: number, b: number): number {
  if (b === 0) return -1;
  if (b === -1) return -a | 0;
  return (a / b) | 0;
}

/** 32-bit unsigned division. */
export function divuw(a: number, b: number): number {
  if (b === 0) return -1;
  return Math.floor((a >>> 0) / (b >>> 0)) | 0;
}

/** 32-bit signed remainder. */
export function remw(a: number, b: number): number {
  if (b === 0) return a;
  if (b === -1) return 0;
  return (a % b) | 0;
}

/** 32-bit unsigned remainder. */
export function remuw(a: number, b: number): number {
  if (b === 0) return a;
  return ((a >>> 0) % (b >>> 0)) | 0;
}
