/**
 * The operation numbers of every RV64GC instruction dejavm executes.
 *
 * Compressed (C) instructions decode to the base operation they expand to
 * (with `len = 2`), so the executor never sees a compressed form.
 *
 * Why a `const enum`: the interpreter dispatches on these values in one
 * `switch`; `tsc` inlines them as literals, which lets V8 build a jump table.
 * Never rely on a runtime `Op` object.
 */
export const enum Op {
  ILLEGAL = 0,
  // RV64I
  LUI, AUIPC, JAL, JALR,
  BEQ, BNE, BLT, BGE, BLTU, BGEU,
  LB, LH, LW, LD, LBU, LHU, LWU,
  SB, SH, SW, SD,
  ADDI, SLTI, SLTIU, XORI, ORI, ANDI, SLLI, SRLI, SRAI,
  ADD, SUB, SLL, SLT, SLTU, XOR, SRL, SRA, OR, AND,
  ADDIW, SLLIW, SRLIW, SRAIW,
  ADDW, SUBW, SLLW, SRLW, SRAW,
  FENCE, FENCE_I, ECALL, EBREAK,
  // Privileged
  MRET, SRET, WFI, SFENCE_VMA,
  // Zicsr
  CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI,
  // M
  MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU,
  MULW, DIVW, DIVUW, REMW, REMUW,
  // A
  LR_W, SC_W, AMOSWAP_W, AMOADD_W, AMOXOR_W, AMOAND_W, AMOOR_W, AMOMIN_W, AMOMAX_W, AMOMINU_W, AMOMAXU_W,
  LR_D, SC_D, AMOSWAP_D, AMOADD_D, AMOXOR_D, AMOAND_D, AMOOR_D, AMOMIN_D, AMOMAX_D, AMOMINU_D, AMOMAXU_D,
  // F
  FLW, FSW,
  FMADD_S, FMSUB_S, FNMSUB_S, FNMADD_S,
  FADD_S, FSUB_S, FMUL_S, FDIV_S, FSQRT_S,
  FSGNJ_S, FSGNJN_S, FSGNJX_S, FMIN_S, FMAX_S,
  FCVT_W_S, FCVT_WU_S, FCVT_L_S, FCVT_LU_S,
  FMV_X_W, FEQ_S, FLT_S, FLE_S, FCLASS_S,
  FCVT_S_W, FCVT_S_WU, FCVT_S_L, FCVT_S_LU, FMV_W_X,
  // D
  FLD, FSD,
  FMADD_D, FMSUB_D, FNMSUB_D, FNMADD_D,
  FADD_D, FSUB_D, FMUL_D, FDIV_D, FSQRT_D,
  FSGNJ_D, FSGNJN_D, FSGNJX_D, FMIN_D, FMAX_D,
  FCVT_S_D, FCVT_D_S,
  FCVT_W_D, FCVT_WU_D, FCVT_L_D, FCVT_LU_D,
  FMV_X_D, FEQ_D, FLT_D, FLE_D, FCLASS_D,
  FCVT_D_W, FCVT_D_WU, FCVT_D_L, FCVT_D_LU, FMV_D_X,
  /** One past the last operation; sizes tables indexed by `Op`. */
  COUNT,
}
