import type { Argv } from 'yargs';
import { describeEvent, eventKindName, eventToJson, type EventContext } from '../src/analysis/event-text.js';
import { recordedImagesOnDisk } from '../src/analysis/recorded-images.js';
import { isElf, parseElf } from '../src/machine/elf.js';
import type { TraceHeader } from '../src/trace/schema.js';
import { TraceReader } from '../src/trace/reader.js';
import { UsageError } from './errors.js';
import { writeStdout } from './machine-args.js';

interface DumpArgs {
  trace: string;
  json: boolean;
  from?: number;
  to?: number;
  kind?: string;
}

const KINDS = ['trap', 'irq', 'io', 'dma', 'input', 'clock', 'digest', 'snapshot', 'exec', 'end'];
const RAM_BASE = 0x80000000n;
const KERNEL_AFTER_FIRMWARE = 0x80200000n;

/**
 * The code the trace's images put at each address, for disassembling a trap's
 * epc: images are read from the paths in the header and used only when their
 * SHA-256 matches; ELF segments at their physical addresses, raw firmware at
 * the start of RAM and a raw kernel where the machine placed it.
 */
function codeLookup(header: TraceHeader): (address: bigint) => number | undefined {
  const regions: Array<{ start: bigint; bytes: Uint8Array }> = [];
  for (const { image, bytes } of recordedImagesOnDisk(header)) {
    if (isElf(bytes)) {
      for (const segment of parseElf(bytes, image.name).segments) regions.push({ start: segment.paddr, bytes: segment.data });
    } else if (image.role === 'bios') {
      regions.push({ start: RAM_BASE, bytes });
    } else if (image.role === 'kernel') {
      regions.push({ start: header.machine.bios === 'none' ? RAM_BASE : KERNEL_AFTER_FIRMWARE, bytes });
    }
  }
  return (address) => {
    for (const region of regions) {
      const offset = Number(address - region.start);
      if (offset < 0 || offset + 2 > region.bytes.length) continue;
      const low = region.bytes[offset]! | (region.bytes[offset + 1]! << 8);
      if ((low & 3) !== 3) return low;
      if (offset + 4 > region.bytes.length) return undefined;
      return (low | (region.bytes[offset + 2]! << 16) | (region.bytes[offset + 3]! << 24)) >>> 0;
    }
    return undefined;
  };
}

/** `deja dump`: print a trace's events readably or as JSON lines. */
export function registerDump(cli: Argv): Argv {
  return cli.command<DumpArgs>(
    'dump <trace>',
    'Print the events of a trace, readably or as JSON lines',
    (y) => y
      .positional('trace', { type: 'string', demandOption: true, describe: 'the trace file' })
      .option('json', { type: 'boolean', default: false, describe: 'one JSON object per event' })
      .option('from', { type: 'number', describe: 'only events at icount >= N' })
      .option('to', { type: 'number', describe: 'only events at icount <= N' })
      .option('kind', { type: 'string', describe: `only these kinds, comma-separated: ${KINDS.join(',')}` }) as unknown as Argv<DumpArgs>,
    (args) => {
      const kinds = args.kind === undefined ? undefined : new Set(args.kind.split(',').map((k) => k.trim()));
      for (const kind of kinds ?? []) {
        if (!KINDS.includes(kind)) throw new UsageError(`--kind: unknown kind '${kind}' (kinds: ${KINDS.join(', ')})`);
      }
      for (const [flag, value] of [['--from', args.from], ['--to', args.to]] as const) {
        if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) throw new UsageError(`${flag}: '${value}' is not an icount`);
      }
      const reader = TraceReader.open(args.trace);
      try {
        const context: EventContext = { devices: reader.header.devices.map((d) => d.name), instructionAt: args.json ? undefined : codeLookup(reader.header) };
        const lines: string[] = [];
        const flush = (): void => {
          if (lines.length > 0) writeStdout(Buffer.from(`${lines.splice(0).join('\n')}\n`));
        };
        for (const event of reader.events(args.from)) {
          if (args.from !== undefined && event.icount < args.from) continue;
          if (args.to !== undefined && event.icount > args.to) continue;
          if (kinds !== undefined && !kinds.has(eventKindName(event))) continue;
          lines.push(args.json ? JSON.stringify(eventToJson(event)) : describeEvent(event, context));
          if (lines.length >= 1024) flush();
        }
        flush();
        if (reader.truncated !== undefined) {
          // The complete chunks were shown; a cut trace is still bad input (status 2).
          process.stderr.write(`deja: ${args.trace}: the recording ends without a footer; showed the ${reader.chunks.length} complete chunks, up to byte ${reader.truncated.atOffset}\n`);
          process.exitCode = 2;
        }
      } finally {
        reader.close();
      }
    },
  );
}
