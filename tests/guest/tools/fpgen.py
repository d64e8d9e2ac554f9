#!/usr/bin/env python3
"""
fpgen.py - generate fp_vectors_s.inc / fp_vectors_d.inc for rv64f / rv64d.

  python3 tools/fpgen.py        (run in tests/guest; rewrites both files)

Each line is a macro call (macros in fp_test.h) with a check number, the
instruction, its rounding mode, operand bit patterns, the expected result
(as the 64-bit FP register image: singles NaN-boxed, or the integer rd)
and the expected fflags (NV=16 DZ=8 OF=4 UF=2 NX=1).  Expected values come
from fpmodel.py (exact rational arithmetic + one IEEE rounding).
"""
import os
import sys
from fractions import Fraction as Fr
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fpmodel as m
from fpmodel import S, D, RMS

FIRST_CHECK = 40       # checks 1..39 are hand-written in rv64f.S / rv64d.S
MAX_CHECK = 229


def v(f, x):
    """bits of the exactly representable value x"""
    x = Fr(x)
    return m.pack_value(f, 1 if x < 0 else 0, -x if x < 0 else x)


def neg(f, b):
    return b ^ f.sign


class Gen:
    def __init__(self, f, t):
        self.f, self.t = f, t          # t: 's' or 'd'
        self.n = FIRST_CHECK
        self.lines = []

    def emit(self, comment, s):
        if comment:
            self.lines.append('/* %s */' % comment)
        self.lines.append(s % self.n)
        self.n += 1

    def box(self, bits):
        return m.box(self.f, bits)

    # f <- op(f, f)
    def op2(self, op, rm, a, b, res, com=None):
        r, fl = res
        self.emit(com, '  FOP2 %%d, %s, %s, %s, 0x%x, 0x%x, 0x%x, 0x%02x' %
                  (op, rm, self.t, a, b, self.box(r), fl))

    def op2nr(self, op, a, b, res, com=None):
        r, fl = res
        self.emit(com, '  FOP2NR %%d, %s, %s, 0x%x, 0x%x, 0x%x, 0x%02x' %
                  (op, self.t, a, b, self.box(r), fl))

    def op1(self, op, rm, a, res, com=None, tin=None, tout=None):
        r, fl = res
        tin = tin or self.t
        fout = {'s': S, 'd': D}[tout or self.t]
        self.emit(com, '  FOP1 %%d, %s, %s, %s, 0x%x, 0x%x, 0x%02x' %
                  (op, rm, tin, a, m.box(fout, r), fl))

    def op1nr(self, op, a, res, com=None, tin=None, tout=None):
        r, fl = res
        tin = tin or self.t
        fout = {'s': S, 'd': D}[tout or self.t]
        self.emit(com, '  FOP1NR %%d, %s, %s, 0x%x, 0x%x, 0x%02x' %
                  (op, tin, a, m.box(fout, r), fl))

    def op3(self, op, rm, a, b, c, res, com=None):
        r, fl = res
        self.emit(com, '  FOP3 %%d, %s, %s, %s, 0x%x, 0x%x, 0x%x, 0x%x, 0x%02x' %
                  (op, rm, self.t, a, b, c, self.box(r), fl))

    def cmp(self, op, a, b, res, com=None):
        r, fl = res
        self.emit(com, '  FCMP %%d, %s, %s, 0x%x, 0x%x, %d, 0x%02x' %
                  (op, self.t, a, b, r, fl))

    def fclass(self, a, com=None):
        self.emit(com, '  FCLASS %%d, fclass.%s, %s, 0x%x, 0x%x' %
                  (self.t, self.t, a, m.fclass(self.f, a)))

    def toint(self, op, rm, a, bits, signed, com=None):
        r, fl = m.to_int(self.f, a, rm, bits, signed)
        self.emit(com, '  FTOINT %%d, %s, %s, %s, 0x%x, 0x%x, 0x%02x' %
                  (op, rm, self.t, a, r, fl))

    def fromint(self, op, rm, x, bits, signed, com=None):
        r, fl = m.from_int(self.f, x, rm, bits, signed)
        if self.f is D and bits == 32:
            # always exact; the assembler does not take an rm operand here
            self.emit(com, '  FFROMINTNR %%d, %s, 0x%x, 0x%x, 0x%02x' %
                      (op, x & 0xffffffffffffffff, self.box(r), fl))
            return
        self.emit(com, '  FFROMINT %%d, %s, %s, 0x%x, 0x%x, 0x%02x' %
                  (op, rm, x & 0xffffffffffffffff, self.box(r), fl))

    def dyn2(self, op, frm, a, b, res, com=None):
        r, fl = res
        self.emit(com, '  FDYN2 %%d, %s, %d, %s, 0x%x, 0x%x, 0x%x, 0x%02x' %
                  (op, frm, self.t, a, b, self.box(r), fl))

    def dyn1(self, op, frm, a, res, com=None):
        r, fl = res
        self.emit(com, '  FDYN1 %%d, %s, %d, %s, 0x%x, 0x%x, 0x%02x' %
                  (op, frm, self.t, a, self.box(r), fl))

    def dyntoint(self, op, frm, a, bits, signed, com=None):
        r, fl = m.to_int(self.f, a, RMS[frm], bits, signed)
        self.emit(com, '  FDYNTOINT %%d, %s, %d, %s, 0x%x, 0x%x, 0x%02x' %
                  (op, frm, self.t, a, r, fl))


def gen(f, t):
    g = Gen(f, t)
    F = f
    sfx = '.' + t
    one, two, three = v(F, 1), v(F, 2), v(F, 3)
    half = v(F, Fr(1, 2))
    eps = Fr(2) ** -F.m                  # ulp of 1.0
    inf, ninf = F.inf, F.inf | F.sign
    qnan, snan = F.qnan, F.inf | 1
    qnan_payload = F.qnan | 0x12345
    maxf = F.maxf
    minn = v(F, Fr(2) ** F.emin)         # smallest normal
    sub1 = 1                             # smallest subnormal
    pz, nz = 0, F.sign
    third = m.div(F, one, three, 'rne')[0]

    # --- rounding modes: division, addition ties, overflow, sqrt
    for rm in RMS:
        g.op2('fdiv' + sfx, rm, one, three, m.div(F, one, three, rm),
              '1/3 in %s' % rm if rm == 'rne' else None)
    for rm in RMS:
        g.op2('fdiv' + sfx, rm, neg(F, one), three, m.div(F, neg(F, one), three, rm),
              '-1/3' if rm == 'rne' else None)
    tie = v(F, eps / 2)
    for rm in RMS:
        g.op2('fadd' + sfx, rm, one, tie, m.add(F, one, tie, rm),
              '1 + ulp/2: exact tie (RNE -> 1, RMM -> 1+ulp)' if rm == 'rne' else None)
    for rm in ['rne', 'rdn', 'rmm']:
        g.op2('fsub' + sfx, rm, neg(F, one), tie, m.add(F, neg(F, one), tie, rm, sub=True),
              '-1 - ulp/2' if rm == 'rne' else None)
    g.op2('fsub' + sfx, 'rne', three, three, m.add(F, three, three, 'rne', sub=True),
          'x - x = +0, but -0 in RDN')
    g.op2('fsub' + sfx, 'rdn', three, three, m.add(F, three, three, 'rdn', sub=True))
    g.op2('fadd' + sfx, 'rne', nz, nz, m.add(F, nz, nz, 'rne'), '-0 + -0 = -0')
    g.op2('fadd' + sfx, 'rne', pz, nz, m.add(F, pz, nz, 'rne'), '+0 + -0 = +0')
    for rm in RMS:
        g.op2('fmul' + sfx, rm, maxf, two, m.mul(F, maxf, two, rm),
              'overflow: inf or max finite per mode' if rm == 'rne' else None)
    for rm in ['rtz', 'rdn', 'rup']:
        g.op2('fmul' + sfx, rm, neg(F, maxf), two, m.mul(F, neg(F, maxf), two, rm),
              'negative overflow' if rm == 'rtz' else None)
    g.op2('fadd' + sfx, 'rne', maxf, v(F, Fr(2) ** (F.emax - F.m - 1)),
          m.add(F, maxf, v(F, Fr(2) ** (F.emax - F.m - 1)), 'rne'),
          'max + ulp/2 ties to even -> overflow to inf')
    for rm in RMS:
        g.op1('fsqrt' + sfx, rm, two, m.sqrt(F, two, rm),
              'sqrt(2)' if rm == 'rne' else None)
    four = v(F, 4)
    for a, c in [(four, 'sqrt(4) exact'), (neg(F, one), 'sqrt(-1) NV, canonical NaN'),
                 (nz, 'sqrt(-0) = -0'), (inf, 'sqrt(inf)'), (snan, 'sqrt(sNaN) NV'),
                 (sub1, 'sqrt(smallest subnormal)')]:
        g.op1('fsqrt' + sfx, 'rne', a, m.sqrt(F, a, 'rne'), c)

    # --- fused multiply-add: one rounding
    k = (F.m + 1) // 2
    a = v(F, 1 + Fr(2) ** -k)            # a*a = 1 + 2^(1-k) + 2^(-2k): exact only fused
    g.op3('fmadd' + sfx, 'rne', a, a, neg(F, one),
          m.fma(F, a, a, neg(F, one), 'rne'), 'fma rounds once: (1+2^-%d)^2 - 1 exact' % k)
    g.op3('fmsub' + sfx, 'rne', a, a, one, m.fma(F, a, a, one, 'rne', neg_c=True))
    g.op3('fnmsub' + sfx, 'rne', a, a, one, m.fma(F, a, a, one, 'rne', neg_prod=True))
    g.op3('fnmadd' + sfx, 'rne', a, a, neg(F, one),
          m.fma(F, a, a, neg(F, one), 'rne', neg_prod=True, neg_c=True))
    c = v(F, eps / 4)                    # third*3 = 1 + eps/4 (S) / 1 - eps/4 (D)
    for rm in RMS:
        g.op3('fmadd' + sfx, rm, third, three, c, m.fma(F, third, three, c, rm),
              'fmadd(1/3, 3, ulp/4) per mode' if rm == 'rne' else None)
    for rm in ['rdn', 'rmm']:
        g.op3('fnmadd' + sfx, rm, third, three, c,
              m.fma(F, third, three, c, rm, neg_prod=True, neg_c=True),
              'fnmadd' if rm == 'rdn' else None)
    g.op3('fmadd' + sfx, 'rne', inf, pz, qnan, m.fma(F, inf, pz, qnan, 'rne'),
          'fma(inf, 0, qNaN) must raise NV')
    g.op3('fmadd' + sfx, 'rne', inf, one, ninf, m.fma(F, inf, one, ninf, 'rne'),
          'inf - inf NV')
    g.op3('fmadd' + sfx, 'rdn', pz, pz, nz, m.fma(F, pz, pz, nz, 'rdn'),
          '0*0 + -0 in RDN = -0')
    g.op3('fmsub' + sfx, 'rne', snan, one, one, m.fma(F, snan, one, one, 'rne', neg_c=True),
          'sNaN operand NV')

    # --- underflow / subnormals
    g.op2('fmul' + sfx, 'rne', minn, half, m.mul(F, minn, half, 'rne'),
          'exact subnormal result: no UF')
    g.op2('fmul' + sfx, 'rne', minn, third, m.mul(F, minn, third, 'rne'),
          'inexact subnormal: UF|NX')
    a = v(F, 1 - 2 * eps)
    b = v(F, Fr(2) ** F.emin * (1 + eps))
    for rm in RMS:
        g.op2('fmul' + sfx, rm, a, b, m.mul(F, a, b, rm),
              'just below min normal: tininess after rounding' if rm == 'rne' else None)
    for rm in ['rne', 'rup']:
        g.op2('fmul' + sfx, rm, sub1, half, m.mul(F, sub1, half, rm),
              'min subnormal / 2' if rm == 'rne' else None)
    g.op2('fdiv' + sfx, 'rtz', minn, maxf, m.div(F, minn, maxf, 'rtz'), 'underflow to 0')
    g.op2('fadd' + sfx, 'rne', sub1, minn, m.add(F, sub1, minn, 'rne'), 'subnormal + normal exact')
    g.op2('fsub' + sfx, 'rne', minn, sub1, m.add(F, minn, sub1, 'rne', sub=True),
          'min normal - min subnormal exact')

    # --- special operands
    specials = [
        ('fdiv', pz, pz, '0/0 NV'), ('fdiv', one, pz, '1/0 DZ'),
        ('fdiv', neg(F, one), pz, '-1/0 DZ'), ('fdiv', one, nz, '1/-0 DZ'),
        ('fdiv', inf, inf, 'inf/inf NV'), ('fdiv', one, inf, '1/inf = 0'),
        ('fdiv', pz, pz, None),
        ('fadd', inf, ninf, 'inf + -inf NV'), ('fsub', inf, inf, 'inf - inf NV'),
        ('fmul', pz, inf, '0 * inf NV'), ('fmul', nz, v(F, 5), '-0 * 5 = -0'),
        ('fadd', qnan, one, 'qNaN: canonical NaN, no flag'),
        ('fadd', snan, one, 'sNaN: NV'),
        ('fmul', qnan_payload, one, 'NaN payload not propagated'),
    ]
    seen = set()
    for op, a, b, c in specials:
        if (op, a, b) in seen:
            continue
        seen.add((op, a, b))
        fn = {'fdiv': lambda a, b: m.div(F, a, b, 'rne'),
              'fadd': lambda a, b: m.add(F, a, b, 'rne'),
              'fsub': lambda a, b: m.add(F, a, b, 'rne', sub=True),
              'fmul': lambda a, b: m.mul(F, a, b, 'rne')}[op]
        g.op2(op + sfx, 'rne', a, b, fn(a, b), c)

    # --- fmin / fmax
    for op, a, b, c in [
            ('fmin', nz, pz, 'fmin/fmax: -0 < +0'), ('fmin', pz, nz, None),
            ('fmax', nz, pz, None), ('fmax', pz, nz, None),
            ('fmin', qnan, one, 'one NaN: the other operand'), ('fmax', one, qnan, None),
            ('fmax', qnan, qnan_payload, 'both NaN: canonical NaN'),
            ('fmin', snan, one, 'sNaN: NV, other operand'),
            ('fmax', snan, qnan, 'sNaN + qNaN: canonical, NV'),
            ('fmin', ninf, one, None), ('fmax', neg(F, three), neg(F, two), None)]:
        g.op2nr(op + sfx, a, b, m.fmin(F, a, b, op == 'fmax'), c)

    # --- compares
    for op, a, b, c in [
            ('eq', one, one, 'compares'), ('lt', one, two, None), ('le', two, one, None),
            ('eq', nz, pz, '-0 == +0'), ('lt', nz, pz, None), ('le', nz, pz, None),
            ('eq', qnan, one, 'feq quiet: qNaN no NV'), ('lt', qnan, one, 'flt/fle signaling: NV'),
            ('le', one, qnan, None), ('eq', snan, one, 'feq: sNaN NV')]:
        g.cmp('f%s%s' % (op, sfx), a, b, m.compare(F, a, b, op), c)

    # --- fclass: all ten classes
    for i, a in enumerate([ninf, neg(F, one), sub1 | F.sign, nz, pz, sub1, one, inf, snan, qnan]):
        g.fclass(a, 'fclass, every class' if i == 0 else None)

    # --- float -> integer
    twop5 = v(F, Fr(5, 2))
    for rm in RMS:
        g.toint('fcvt.w' + sfx, rm, twop5, 32, True, '2.5 -> w per mode' if rm == 'rne' else None)
    for rm in ['rne', 'rdn', 'rmm']:
        g.toint('fcvt.w' + sfx, rm, neg(F, twop5), 32, True, '-2.5' if rm == 'rne' else None)
    for a, c in [(v(F, 3000000000), 'w saturation: NV'), (v(F, -3000000000), None),
                 (qnan, 'NaN -> max, NV'), (ninf, None), (v(F, -2 ** 31), 'INT_MIN exact'),
                 (nz, '-0 -> 0, no flags')]:
        g.toint('fcvt.w' + sfx, 'rtz', a, 32, True, c)
    g.toint('fcvt.w' + sfx, 'rtz', m.div(F, v(F, 9), v(F, 10), 'rne')[0],
            32, True, '0.9 rtz -> 0 NX')
    for a, rm, c in [(neg(F, one), 'rtz', 'wu: -1 -> 0 NV'), (neg(F, half), 'rtz', '-0.5 -> 0 NX only'),
                     (neg(F, half), 'rne', None), (v(F, 3000000000), 'rtz', 'wu result is sign-extended'),
                     (v(F, 5000000000), 'rtz', 'wu saturation'), (qnan, 'rtz', 'NaN -> all ones'),
                     (inf, 'rtz', None), (v(F, Fr(3, 2)), 'rup', None)]:
        g.toint('fcvt.wu' + sfx, rm, a, 32, False, c)
    for a, rm, c in [(v(F, 2 ** 63), 'rtz', 'l: 2^63 saturates NV'), (v(F, -2 ** 63), 'rtz', None),
                     (qnan, 'rtz', None), (v(F, Fr(-3, 2)), 'rne', None),
                     (v(F, 2 ** 62), 'rtz', None), (ninf, 'rtz', None)]:
        g.toint('fcvt.l' + sfx, rm, a, 64, True, c)
    big_lu = v(F, (2 ** (F.m + 1) - 1) * 2 ** (64 - F.m - 1))   # largest < 2^64
    for a, rm, c in [(neg(F, one), 'rtz', 'lu: -1 -> 0 NV'), (v(F, 2 ** 64), 'rtz', None),
                     (qnan, 'rtz', None), (big_lu, 'rtz', 'largest value < 2^64'),
                     (twop5, 'rmm', None), (nz, 'rtz', None)]:
        g.toint('fcvt.lu' + sfx, rm, a, 64, False, c)
    if F is D:
        g.toint('fcvt.w.d', 'rtz', v(F, 2 ** 31 - 1), 32, True, 'INT_MAX exact (double)')
        g.toint('fcvt.w.d', 'rne', v(F, Fr(2 ** 32 - 1, 2)), 32, True, '2147483647.5 rne -> sat')

    # --- integer -> float
    for x, op, rm, c in [(0x7fffffff, 'w', 'rne', 'int -> float'), (0x7fffffff, 'w', 'rtz', None),
                         (0x1234567800000001, 'w', 'rne', 'W forms use rs1[31:0]'),
                         (-2 ** 31, 'w', 'rne', None), (0, 'w', 'rdn', '0 -> +0 even in RDN'),
                         (0xffffffff, 'wu', 'rne', None), (-1, 'wu', 'rtz', None),
                         (2 ** 63 - 1, 'l', 'rne', None), (2 ** 63 - 1, 'l', 'rdn', None),
                         (2 ** 64 - 1, 'lu', 'rne', None), (2 ** 64 - 1, 'lu', 'rtz', None)]:
        bits = 32 if op in ('w', 'wu') else 64
        g.fromint('fcvt%s.%s' % (sfx, op), rm, x, bits, op in ('w', 'l'), c)

    # --- sign injection (bit operations, NaN payloads kept)
    for op, a, b, c in [('fsgnj', one, neg(F, two), 'sign injection'),
                        ('fsgnjn', one, neg(F, two), None),
                        ('fsgnjx', neg(F, one), neg(F, two), None),
                        ('fsgnjx', neg(F, one), two, None),
                        ('fsgnj', qnan_payload, neg(F, one), 'NaN payload kept'),
                        ('fsgnjn', snan, snan, 'fneg of sNaN: no NV'),
                        ('fsgnjx', neg(F, inf), neg(F, inf), 'fabs')]:
        sa = a & F.sign
        sb = b & F.sign
        r = {'fsgnj': sb, 'fsgnjn': sb ^ F.sign, 'fsgnjx': sa ^ sb}[op] | (a & ~F.sign)
        g.op2nr(op + sfx, a, b, (r, 0), c)

    # --- double <-> single (rv64d only)
    if F is D:
        t3 = third
        for rm in RMS:
            g.op1('fcvt.s.d', rm, t3, m.convert(S, D, t3, rm),
                  'fcvt.s.d rounding' if rm == 'rne' else None, tout='s')
        for rm in ['rne', 'rtz']:
            g.op1('fcvt.s.d', rm, maxf, m.convert(S, D, maxf, rm),
                  'fcvt.s.d overflow' if rm == 'rne' else None, tout='s')
        tiny = v(D, Fr(2) ** -140 * Fr(1, 3) * 3 + Fr(2) ** -160)
        g.op1('fcvt.s.d', 'rne', tiny, m.convert(S, D, tiny, 'rne'), 'fcvt.s.d subnormal UF', tout='s')
        g.op1('fcvt.s.d', 'rne', snan, m.convert(S, D, snan, 'rne'), 'fcvt.s.d sNaN', tout='s')
        g.op1('fcvt.s.d', 'rne', nz, m.convert(S, D, nz, 'rne'), None, tout='s')
        ssub = 0x00000003
        for a, c in [(0x3eaaaaab, 'fcvt.d.s exact'), (ssub, 'single subnormal -> normal double'),
                     (0x7f800001, 'fcvt.d.s sNaN NV'), (0xff800000, None)]:
            g.op1nr('fcvt.d.s', (0xffffffff00000000 | a), m.convert(D, S, a, 'rne'), c, tin='s')

    # --- dynamic rounding mode (frm)
    for frm in range(5):
        g.dyn2('fdiv' + sfx, frm, one, three, m.div(F, one, three, RMS[frm]),
               'dynamic rm: fdiv 1/3 with frm = 0..4' if frm == 0 else None)
    g.dyn1('fsqrt' + sfx, 2, two, m.sqrt(F, two, 'rdn'), 'fsqrt dyn, frm = RDN')
    g.dyntoint('fcvt.w' + sfx, 3, twop5, 32, True, 'fcvt.w dyn, frm = RUP')
    g.dyntoint('fcvt.w' + sfx, 4, neg(F, twop5), 32, True, 'fcvt.w dyn, frm = RMM')

    assert g.n - 1 <= MAX_CHECK, g.n - 1
    return g


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for f, t in [(S, 's'), (D, 'd')]:
        g = gen(f, t)
        path = os.path.join(here, 'fp_vectors_%s.inc' % t)
        with open(path, 'w') as fh:
            fh.write('/* GENERATED by tools/fpgen.py from the exact model in tools/fpmodel.py:\n'
                     '   do not edit.  Checks %d..%d.  Result = 64-bit FP register image\n'
                     '   (singles NaN-boxed) or integer rd; flags: NV=16 DZ=8 OF=4 UF=2 NX=1. */\n'
                     % (FIRST_CHECK, g.n - 1))
            fh.write('\n'.join(g.lines) + '\n')
        print('%s: checks %d..%d' % (path, FIRST_CHECK, g.n - 1))


if __name__ == '__main__':
    main()
