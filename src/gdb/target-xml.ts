import { REGISTERS, type RegisterFeature } from './registers.js';

/**
 * The target description gdb reads with `qXfer:features:read:target.xml`:
 * riscv:rv64 with gdb's own feature names (org.gnu.gdb.riscv.cpu, .fpu,
 * .csr, .virtual), so gdb recognises the registers and their roles.
 */

const FEATURE_NAMES: Record<RegisterFeature, string> = {
  cpu: 'org.gnu.gdb.riscv.cpu',
  fpu: 'org.gnu.gdb.riscv.fpu',
  csr: 'org.gnu.gdb.riscv.csr',
  virtual: 'org.gnu.gdb.riscv.virtual',
};

/** The f registers hold a double or a NaN-boxed single: gdb's `riscv_double` union. */
const FPU_TYPES =
  '<union id="riscv_double"><field name="float" type="ieee_single"/><field name="double" type="ieee_double"/></union>';

function featureXml(feature: RegisterFeature): string {
  const registers = REGISTERS.filter((info) => info.feature === feature)
    .map((info) => {
      const group = feature === 'csr' ? ' group="csr"' : feature === 'fpu' && info.bits === 32 ? ' group="float"' : '';
      return `<reg name="${info.name}" bitsize="${info.bits}" type="${info.type}" regnum="${info.regnum}"${group}/>`;
    })
    .join('');
  return `<feature name="${FEATURE_NAMES[feature]}">${feature === 'fpu' ? FPU_TYPES : ''}${registers}</feature>`;
}

/** The whole `target.xml` document. */
const TARGET_XML =
  '<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd"><target version="1.0">' +
  '<architecture>riscv:rv64</architecture>' +
  (['cpu', 'fpu', 'csr', 'virtual'] as const).map(featureXml).join('') +
  '</target>';

/** The annexes `qXfer:features:read` serves, by name. */
export const FEATURE_DOCUMENTS: ReadonlyMap<string, string> = new Map([['target.xml', TARGET_XML]]);
