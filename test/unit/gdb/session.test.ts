import { describe, expect, it } from 'vitest';
import { LiveTarget } from '../../../src/gdb/live-target.js';
import { GdbSession } from '../../../src/gdb/session.js';
import { assemble } from '../../../src/isa/asm.js';
import { Vmm } from '../../../src/vmm/vmm.js';
import { ReexecutionTarget } from './reexecution-target.js';

/** Counts to five in t0, storing and reloading the count each time, then powers off. */
const PROGRAM = assemble(`
_start:
  li t0, 0
  la t1, counter
loop:
  addi t0, t0, 1
store:
  sd t0, 0(t1)
load:
  ld t2, 0(t1)
  li t3, 5
  blt t0, t3, loop
done:
  li t1, 0x100000
  li t2, 0x5555
  sw t2, 0(t1)
park:
  j park
.align 3
counter: .dword 0
`, { origin: 0x80000000n });

const symbol = (name: string): bigint => PROGRAM.symbols.get(name)!;
const hex = (value: bigint): string => value.toString(16);
const le64 = (value: bigint): string => Buffer.from(BigInt.asUintN(64, value).toString(16).padStart(16, '0'), 'hex').reverse().toString('hex');

function newVmm(): Vmm {
  return new Vmm({ kernel: { name: 'count.bin', bytes: PROGRAM.bytes }, memoryMiB: 16, console: () => {} });
}

async function ask(session: GdbSession, payload: string): Promise<string[]> {
  return await session.handle(payload);
}

/** The one reply to `payload`. */
async function reply(session: GdbSession, payload: string): Promise<string> {
  const replies = await ask(session, payload);
  expect(replies).toHaveLength(1);
  return replies[0]!;
}

async function pc(session: GdbSession): Promise<bigint> {
  return BigInt(`0x${Buffer.from(await reply(session, 'p20'), 'hex').reverse().toString('hex')}`);
}

function monitorText(replies: string[]): string {
  expect(replies.at(-1)).toBe('OK');
  return replies.slice(0, -1).map((r) => Buffer.from(r.slice(1), 'hex').toString('utf8')).join('');
}

describe('GdbSession on a live machine', () => {
  const live = (): GdbSession => new GdbSession(new LiveTarget(newVmm()));

  it('announces its features and serves the target description in pieces', async () => {
    const session = live();
    const supported = await reply(session, 'qSupported:multiprocess+;swbreak+');
    expect(supported).toContain('qXfer:features:read+');
    expect(supported).toContain('QStartNoAckMode+');
    expect(supported).not.toContain('ReverseStep');
    let xml = '';
    for (let piece = ''; !piece.startsWith('l');) {
      piece = await reply(session, `qXfer:features:read:target.xml:${xml.length.toString(16)},100`);
      expect(piece[0]).toMatch(/[ml]/);
      xml += piece.slice(1);
    }
    expect(xml).toContain('<architecture>riscv:rv64</architecture>');
    for (const feature of ['cpu', 'fpu', 'csr', 'virtual']) expect(xml).toContain(`<feature name="org.gnu.gdb.riscv.${feature}">`);
    for (const register of ['"pc" bitsize="64" type="code_ptr" regnum="32"', '"ft0" bitsize="64" type="riscv_double" regnum="33"', '"fcsr" bitsize="32" type="int" regnum="68"', '"mstatus" bitsize="64" type="int" regnum="833"', '"priv"']) {
      expect(xml).toContain(`<reg name=${register}`);
    }
    expect(await reply(session, 'qXfer:features:read:other.xml:0,100')).toBe('E01');
  });

  it.each([
    ['?', 'T05thread:1;'],
    ['qfThreadInfo', 'm1'],
    ['qsThreadInfo', 'l'],
    ['qC', 'QC1'],
    ['qAttached', '1'],
    ['Hg0', 'OK'],
    ['Hg1', 'OK'],
    ['Hc-1', 'OK'],
    ['Hg2', 'E01'],
    ['Hq1', 'E01'],
    ['T1', 'OK'],
    ['T2', 'E01'],
    ['vCont?', 'vCont;c;C;s;S'],
    ['vMustReplyEmpty', ''],
    ['qUnknownThing', ''],
    ['p20', le64(0x1000n)],
    ['p1000', 'E01'],
    ['pzz', 'E01'],
    ['p44', '00000000'],
    ['p1041', le64(3n)],
    ['P5=0100000000000000', 'OK'],
    ['P5=01', 'E01'],
    ['P=', 'E01'],
    ['m0,4', 'E14'],
    ['m10000000,1', 'E14'],
    ['m', 'E01'],
    ['mxyz,2', 'E01'],
    ['m80000000,0', ''],
    ['M0,1:00', 'E14'],
    ['M80000000,2:00', 'E01'],
    ['Mzz', 'E01'],
    ['Z0,0,4', 'E14'],
    ['Z0,', 'E01'],
    ['Z9,80000000,4', ''],
    ['z0,80000000,4', 'E01'],
    ['vCont;x', 'E01'],
    ['bs', ''],
  ])('%j gets %j', async (request, expected) => {
    expect(await reply(live(), request)).toBe(expected);
  });

  it('g reads x0-x31 and the pc, G writes them', async () => {
    const session = live();
    const registers = await reply(session, 'g');
    expect(registers).toHaveLength(33 * 16);
    expect(registers.slice(32 * 16)).toBe(le64(0x1000n));
    const changed = registers.slice(0, 16 * 7) + le64(0x1234n) + registers.slice(16 * 8);
    expect(await reply(session, `G${changed}`)).toBe('OK');
    expect(await reply(session, 'p7')).toBe(le64(0x1234n));
    expect(await reply(session, 'Gabc')).toBe('E01');
  });

  it('reads and writes RAM and reads the boot ROM', async () => {
    const session = live();
    expect(await reply(session, 'm80000000,4')).toBe(Buffer.from(PROGRAM.bytes.subarray(0, 4)).toString('hex'));
    expect(await reply(session, 'm1000,4')).toBe('97020000');
    expect(await reply(session, `M${hex(symbol('counter'))},2:beef`)).toBe('OK');
    expect(await reply(session, `X${hex(symbol('counter') + 2n)},2:#$`)).toBe('OK');
    expect(await reply(session, `m${hex(symbol('counter'))},4`)).toBe('beef2324');
    expect(await reply(session, 'm80fffffe,8')).toBe('0000');
  });

  it('stops at a breakpoint, steps, and reports write and read watchpoints', async () => {
    const session = live();
    expect(await reply(session, `Z0,${hex(symbol('loop'))},4`)).toBe('OK');
    expect(await reply(session, 'c')).toBe('T05thread:1;');
    expect(await pc(session)).toBe(symbol('loop'));
    expect(await reply(session, 's')).toBe('T05thread:1;');
    expect(await pc(session)).toBe(symbol('store'));
    expect(await reply(session, `z0,${hex(symbol('loop'))},4`)).toBe('OK');
    expect(await reply(session, `Z2,${hex(symbol('counter'))},8`)).toBe('OK');
    expect(await reply(session, 'vCont;c:1')).toBe(`T05watch:${hex(symbol('counter'))};thread:1;`);
    expect(await pc(session), 'a watchpoint stops before the access, as gdb expects on RISC-V').toBe(symbol('store'));
    expect(await reply(session, `z2,${hex(symbol('counter'))},8`)).toBe('OK');
    expect(await reply(session, `Z3,${hex(symbol('counter') + 4n)},1`)).toBe('OK');
    expect(await reply(session, 'c')).toBe(`T05rwatch:${hex(symbol('counter') + 4n)};thread:1;`);
    expect(await pc(session)).toBe(symbol('load'));
    expect(await reply(session, 's'), 'a step onto a watched access reports it without moving').toBe(`T05rwatch:${hex(symbol('counter') + 4n)};thread:1;`);
    expect(await reply(session, `z3,${hex(symbol('counter') + 4n)},1`)).toBe('OK');
    expect(await reply(session, 'vCont;s:1;c')).toBe('T05thread:1;');
    expect(await pc(session)).toBe(symbol('load') + 4n);
    expect(await reply(session, 'c')).toBe('W00');
    expect(await reply(session, '?')).toBe('W00');
  });

  it('continue with an address moves the pc first', async () => {
    const session = live();
    expect(await reply(session, `Z0,${hex(symbol('loop'))},4`)).toBe('OK');
    expect(await reply(session, `c${hex(symbol('done'))}`), 'from done, the loop is never reached').toBe('W00');
  });

  it('monitor icount, help and unknown commands answer in O packets', async () => {
    const session = live();
    await reply(session, 's');
    expect(monitorText(await ask(session, `qRcmd,${Buffer.from('icount').toString('hex')}`))).toBe('hart 0 icount 1\n');
    expect(monitorText(await ask(session, `qRcmd,${Buffer.from('help').toString('hex')}`))).toContain('seek N');
    expect(monitorText(await ask(session, `qRcmd,${Buffer.from('seek 0').toString('hex')}`))).toContain('cannot go back');
    expect(monitorText(await ask(session, `qRcmd,${Buffer.from('frobnicate').toString('hex')}`))).toContain("unknown monitor command 'frobnicate'");
    expect(await reply(session, 'qRcmd,zz')).toBe('E01');
  });
});

describe('GdbSession on a reversible target', () => {
  const reversible = (): { session: GdbSession; target: ReexecutionTarget } => {
    const target = new ReexecutionTarget(newVmm, 1000);
    return { session: new GdbSession(target), target };
  };

  it('announces reverse execution and refuses changes to a replay', async () => {
    const { session } = reversible();
    expect(await reply(session, 'qSupported')).toContain('ReverseStep+;ReverseContinue+');
    expect(await reply(session, 'P5=0100000000000000')).toBe('E30');
    expect(await reply(session, `M${hex(symbol('counter'))},1:00`)).toBe('E30');
    expect(await reply(session, 'c80000000')).toBe('E30');
  });

  it('reverse-stepi returns to the previous pc with the previous registers', async () => {
    const { session, target } = reversible();
    expect(await reply(session, 'bs')).toBe('T05replaylog:begin;thread:1;');
    for (let i = 0; i < 20; i++) await reply(session, 's');
    const before = await reply(session, 'g');
    await reply(session, 's');
    expect(await reply(session, 'g')).not.toBe(before);
    expect(await reply(session, 'bs')).toBe('T05thread:1;');
    expect(await reply(session, 'g')).toBe(before);
    expect(target.position()).toBe(20);
  });

  it('reverse-continue stops at the last earlier breakpoint hit, then at earlier ones, then at the start', async () => {
    const { session, target } = reversible();
    expect(await reply(session, `Z0,${hex(symbol('loop'))},4`)).toBe('OK');
    const hits: number[] = [];
    for (let i = 0; i < 5; i++) {
      expect(await reply(session, 'c')).toBe('T05thread:1;');
      hits.push(target.position());
    }
    expect(await reply(session, `Z0,${hex(symbol('done'))},4`)).toBe('OK');
    expect(await reply(session, 'c')).toBe('T05thread:1;');
    expect(await pc(session)).toBe(symbol('done'));
    for (const hit of hits.reverse()) {
      expect(await reply(session, 'bc')).toBe('T05thread:1;');
      expect(target.position()).toBe(hit);
      expect(await pc(session)).toBe(symbol('loop'));
    }
    expect(await reply(session, 'bc')).toBe('T05replaylog:begin;thread:1;');
    expect(target.position()).toBe(0);
  });

  it('reverse-continue reports the last store a watchpoint sees just after it, and gdb steps back over it', async () => {
    const { session, target } = reversible();
    expect(await reply(session, `Z0,${hex(symbol('done'))},4`)).toBe('OK');
    await reply(session, 'c');
    expect(await reply(session, `Z2,${hex(symbol('counter'))},8`)).toBe('OK');
    expect(await reply(session, 'bc')).toBe(`T05watch:${hex(symbol('counter'))};thread:1;`);
    expect(await pc(session)).toBe(symbol('load'));
    const after = target.position();
    expect(await reply(session, 'bs')).toBe('T05thread:1;');
    expect(await pc(session)).toBe(symbol('store'));
    expect(await reply(session, 'p5')).toBe(le64(5n));
    expect(await reply(session, 'bc'), 'the previous store, one loop earlier').toBe(`T05watch:${hex(symbol('counter'))};thread:1;`);
    expect(await reply(session, 'p5')).toBe(le64(4n));
    expect(target.position()).toBeLessThan(after);
  });

  it('continue past the end of the recording reports the end of history', async () => {
    const { session, target } = reversible();
    expect(await reply(session, 'c')).toBe('T05replaylog:end;thread:1;');
    expect(target.position()).toBeLessThanOrEqual(1000);
  });

  it('monitor seek moves both ways and monitor icount shows the end', async () => {
    const { session, target } = reversible();
    const monitor = async (line: string): Promise<string> => monitorText(await ask(session, `qRcmd,${Buffer.from(line).toString('hex')}`));
    expect(await monitor('seek 30')).toBe('at hart 0 icount 30\n');
    expect(await monitor('seek 10')).toBe('at hart 0 icount 10\n');
    expect(target.position()).toBe(10);
    expect(await monitor('seek x')).toContain('usage');
    expect(await monitor('icount')).toBe('hart 0 icount 10\nrecording ends at hart 0 icount 1000\n');
    expect(await monitor('events')).toContain('only a replay');
  });
});

/** Three ECALLs into an M-mode handler that skips them, then power-off. */
const TRAPS = assemble(`
_start:
  la t0, handler
  csrw mtvec, t0
  li s0, 0
call1:
  ecall
call2:
  ecall
call3:
  ecall
  li t1, 0x100000
  li t2, 0x5555
  sw t2, 0(t1)
park:
  j park
handler:
  addi s0, s0, 1
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret
`, { origin: 0x80000000n });

describe('GdbSession at trap handlers', () => {
  const trapSymbol = (name: string): bigint => TRAPS.symbols.get(name)!;
  const build = (): Vmm => new Vmm({ kernel: { name: 'traps.bin', bytes: TRAPS.bytes }, memoryMiB: 16, console: () => {} });

  it('a breakpoint on the handler stops right after the trap, before its first instruction', async () => {
    const session = new GdbSession(new LiveTarget(build()));
    expect(await reply(session, `Z0,${hex(trapSymbol('handler'))},4`)).toBe('OK');
    for (const expected of [0n, 1n, 2n]) {
      expect(await reply(session, 'c')).toBe('T05thread:1;');
      expect(await pc(session)).toBe(trapSymbol('handler'));
      expect(await reply(session, 'p8'), 's0 counts the handler runs before this one').toBe(le64(expected));
    }
    expect(await reply(session, 'c')).toBe('W00');
  });

  it('reverse-stepi from a handler breakpoint goes to the ECALL; reverse-continue finds earlier handler entries', async () => {
    const target = new ReexecutionTarget(build, 200);
    const session = new GdbSession(target);
    expect(await reply(session, `Z0,${hex(trapSymbol('handler'))},4`)).toBe('OK');
    await reply(session, 'c');
    await reply(session, 'c');
    const secondEntry = target.position();
    expect(await reply(session, 'p8')).toBe(le64(1n));
    expect(await reply(session, 'bs')).toBe('T05thread:1;');
    expect(target.position()).toBe(secondEntry);
    expect(await pc(session)).toBe(trapSymbol('call2'));
    expect(await reply(session, 'bc')).toBe('T05thread:1;');
    expect(await pc(session)).toBe(trapSymbol('handler'));
    expect(await reply(session, 'p8')).toBe(le64(0n));
    expect(await reply(session, 'bc')).toBe('T05replaylog:begin;thread:1;');
    expect(await reply(session, `Z0,${hex(trapSymbol('call2'))},4`)).toBe('OK');
    for (let i = 0; i < 3; i++) await reply(session, 'c');
    expect(await pc(session)).toBe(trapSymbol('handler'));
    expect(await reply(session, 'p8')).toBe(le64(1n));
    expect(await reply(session, 'bc'), 'from after a trap, the instruction that trapped is in the past').toBe('T05thread:1;');
    expect(await pc(session)).toBe(trapSymbol('call2'));
  });
});

/** Hart 0 counts in t0 forever at `main_loop`; hart 1 counts in t1 at `other_loop`. */
const TWO_HARTS = assemble(`
_start:
  csrr t2, mhartid
  bnez t2, other
main_loop:
  addi t0, t0, 1
  j main_loop
other:
  li t1, 100
other_loop:
  addi t1, t1, 1
  j other_loop
`, { origin: 0x80000000n });

describe('GdbSession with two harts', () => {
  const twoHarts = (): GdbSession => new GdbSession(new LiveTarget(new Vmm({ kernel: { name: 'two.bin', bytes: TWO_HARTS.bytes }, harts: 2, memoryMiB: 16, console: () => {} })));

  it('shows harts as threads 1 and 2, and Hg selects whose registers g and p read', async () => {
    const session = twoHarts();
    expect(await reply(session, 'qfThreadInfo')).toBe('m1,2');
    expect(await reply(session, 'T2')).toBe('OK');
    expect(await reply(session, 'qThreadExtraInfo,2')).toBe(Buffer.from('hart 1').toString('hex'));
    expect(await reply(session, `Z0,${hex(TWO_HARTS.symbols.get('other_loop')!)},4`)).toBe('OK');
    expect(await reply(session, 'c')).toBe('T05thread:2;');
    expect(await reply(session, 'qC')).toBe('QC2');
    expect(await pc(session)).toBe(TWO_HARTS.symbols.get('other_loop')!);
    expect(await reply(session, 'p6')).toBe(le64(100n));
    expect(await reply(session, 'Hg1')).toBe('OK');
    const hart0Pc = await pc(session);
    expect([TWO_HARTS.symbols.get('main_loop')!, TWO_HARTS.symbols.get('main_loop')! + 4n]).toContain(hart0Pc);
  });
});
