/**
 * The QEMU CPU model dejavm is compared against: QEMU 7.2's `rv64` with every
 * extension dejavm does not implement switched off (RV64GC + Zicsr/Zifencei,
 * M/S/U, Sv39/Sv48, PMP). QEMU 7.2 turns on by default H, Zba/Zbb/Zbc/Zbs,
 * Sstc, Zihintpause, the debug trigger module and 16 HPM counters; all off here.
 */
export const QEMU_CPU = [
  'rv64', 'v=false', 'h=false', 'zba=false', 'zbb=false', 'zbc=false', 'zbs=false', 'sstc=false',
  'Zihintpause=false', 'Zfh=false', 'Zfhmin=false', 'svinval=false', 'svnapot=false', 'svpbmt=false',
  'debug=false', 'pmu-num=0', 'mmu=true', 'pmp=true',
].join(',');
