"""
fpmodel.py - exact reference model of RISC-V F/D arithmetic, used by
fpgen.py to derive the expected bit patterns and fflags hard-coded in
rv64f/rv64d (fp_vectors_*.inc).

Every operation is computed exactly with Python integers/Fractions and then
rounded once to the destination format with the requested rounding mode,
following IEEE 754-2008 as profiled by the RISC-V F/D chapters:
  - NaN results are the canonical NaN (0x7fc00000 / 0x7ff8000000000000)
  - tininess is detected after rounding; UF = tiny && inexact
  - overflow result per mode: RNE/RMM -> inf, RTZ -> max finite,
    RDN -> +max / -inf, RUP -> +inf / -max
  - fmin/fmax = IEEE 754-2019 minimumNumber/maximumNumber, -0 < +0
  - fma(inf, 0, qNaN) raises NV
  - fcvt to integer: saturate and raise NV (not NX) when out of range,
    NaN -> max positive
Flags are returned as the fflags bit mask: NV=16 DZ=8 OF=4 UF=2 NX=1.
"""
from fractions import Fraction as Fr
from math import isqrt

NV, DZ, OF, UF, NX = 16, 8, 4, 2, 1
RMS = ['rne', 'rtz', 'rdn', 'rup', 'rmm']


class Fmt:
    def __init__(self, ebits, mbits):
        self.e, self.m = ebits, mbits
        self.bias = (1 << (ebits - 1)) - 1
        self.emin = 1 - self.bias
        self.emax = self.bias
        self.width = 1 + ebits + mbits
        self.qnan = ((1 << ebits) - 1) << mbits | 1 << (mbits - 1)
        self.inf = ((1 << ebits) - 1) << mbits
        self.maxf = ((1 << ebits) - 2) << mbits | ((1 << mbits) - 1)
        self.sign = 1 << (self.width - 1)


S = Fmt(8, 23)
D = Fmt(11, 52)


def unpack(f, b):
    """-> (kind, sign, Fraction value) kind in zero sub norm inf qnan snan"""
    s = b >> (f.width - 1) & 1
    e = b >> f.m & ((1 << f.e) - 1)
    m = b & ((1 << f.m) - 1)
    if e == (1 << f.e) - 1:
        if m == 0:
            return ('inf', s, None)
        return ('qnan' if m >> (f.m - 1) else 'snan', s, None)
    if e == 0:
        if m == 0:
            return ('zero', s, Fr(0))
        v = Fr(m) * Fr(2) ** (f.emin - f.m)
        return ('sub', s, -v if s else v)
    v = Fr((1 << f.m) | m) * Fr(2) ** (e - f.bias - f.m)
    return ('norm', s, -v if s else v)


def isnan(k):
    return k in ('qnan', 'snan')


def _round_int(n_floor, rem_cmp, exact, sign, rm, odd):
    """round a non-negative magnitude whose floor is n_floor.
    rem_cmp: comparison of the fractional part with 1/2 (-1, 0, 1)."""
    if exact:
        return n_floor
    if rm == 'rtz':
        return n_floor
    if rm == 'rdn':
        return n_floor + 1 if sign else n_floor
    if rm == 'rup':
        return n_floor if sign else n_floor + 1
    if rem_cmp > 0:
        return n_floor + 1
    if rem_cmp < 0:
        return n_floor
    if rm == 'rmm':
        return n_floor + 1
    return n_floor + (n_floor & 1)          # rne


def _rnd(x, q, sign, rm):
    """round positive Fraction x to a multiple of q -> (Fraction, inexact)"""
    y = x / q
    n = y.numerator // y.denominator
    fr = y - n
    r = _round_int(n, (fr > Fr(1, 2)) - (fr < Fr(1, 2)), fr == 0, sign, rm, n & 1)
    return r * q, fr != 0


def _exp_of(x):
    """floor(log2(x)) for positive Fraction x"""
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fr(2) ** e > x:
        e -= 1
    elif Fr(2) ** (e + 1) <= x:
        e += 1
    return e


def pack_value(f, sign, mag):
    """exact representable magnitude -> bits"""
    if mag == 0:
        return sign << (f.width - 1)
    e = _exp_of(mag)
    if e < f.emin:
        m = mag / Fr(2) ** (f.emin - f.m)
        assert m.denominator == 1
        return sign << (f.width - 1) | int(m)
    m = mag / Fr(2) ** (e - f.m)
    assert m.denominator == 1, mag
    return sign << (f.width - 1) | (e + f.bias) << f.m | (int(m) - (1 << f.m))


def round_to(f, v, rm, zero_sign=0):
    """round exact Fraction v (nonzero or zero) -> (bits, flags)"""
    if v == 0:
        return (zero_sign << (f.width - 1), 0)
    sign = 1 if v < 0 else 0
    x = -v if sign else v
    e = _exp_of(x)
    # rounding with unbounded exponent range (for OF and tininess)
    r_unb, _ = _rnd(x, Fr(2) ** (e - f.m), sign, rm)
    flags = 0
    if r_unb >= Fr(2) ** (f.emax + 1):
        flags = OF | NX
        big = (rm in ('rne', 'rmm') or (rm == 'rup' and not sign) or
               (rm == 'rdn' and sign))
        return ((sign << (f.width - 1)) | (f.inf if big else f.maxf), flags)
    tiny = r_unb < Fr(2) ** f.emin
    q = Fr(2) ** (max(e, f.emin) - f.m)
    r, inexact = _rnd(x, q, sign, rm)
    if inexact:
        flags |= NX
        if tiny:
            flags |= UF
    if r >= Fr(2) ** (f.emax + 1):      # cannot happen (handled above)
        raise AssertionError
    return (pack_value(f, sign, r), flags)


def _nan_in(ka, *ks):
    fl = NV if 'snan' in (ka,) + ks else 0
    return fl


# ----------------------------------------------------------------- ops
def add(f, a, b, rm, sub=False):
    ka, sa, va = unpack(f, a)
    kb, sb, vb = unpack(f, b)
    if sub:
        sb ^= 1
        vb = -vb if vb is not None else None
    if isnan(ka) or isnan(kb):
        return f.qnan, _nan_in(ka, kb)
    if ka == 'inf' or kb == 'inf':
        if ka == 'inf' and kb == 'inf' and sa != sb:
            return f.qnan, NV
        s = sa if ka == 'inf' else sb
        return (s << (f.width - 1)) | f.inf, 0
    v = va + vb
    if v == 0:
        if ka == 'zero' and kb == 'zero' and sa == sb:
            zs = sa
        else:
            zs = 1 if rm == 'rdn' else 0
        return round_to(f, v, rm, zs)
    return round_to(f, v, rm)


def mul(f, a, b, rm):
    ka, sa, va = unpack(f, a)
    kb, sb, vb = unpack(f, b)
    s = sa ^ sb
    if isnan(ka) or isnan(kb):
        return f.qnan, _nan_in(ka, kb)
    if ka == 'inf' or kb == 'inf':
        if ka == 'zero' or kb == 'zero':
            return f.qnan, NV
        return (s << (f.width - 1)) | f.inf, 0
    return round_to(f, va * vb, rm, s)


def div(f, a, b, rm):
    ka, sa, va = unpack(f, a)
    kb, sb, vb = unpack(f, b)
    s = sa ^ sb
    if isnan(ka) or isnan(kb):
        return f.qnan, _nan_in(ka, kb)
    if ka == 'inf':
        if kb == 'inf':
            return f.qnan, NV
        return (s << (f.width - 1)) | f.inf, 0
    if kb == 'inf':
        return s << (f.width - 1), 0
    if kb == 'zero':
        if ka == 'zero':
            return f.qnan, NV
        return (s << (f.width - 1)) | f.inf, DZ
    return round_to(f, va / vb, rm, s)


def sqrt(f, a, rm):
    ka, sa, va = unpack(f, a)
    if isnan(ka):
        return f.qnan, _nan_in(ka)
    if ka == 'zero':
        return a, 0
    if sa:
        return f.qnan, NV
    if ka == 'inf':
        return a, 0
    K = 1200
    N = va * Fr(2) ** (2 * K)
    assert N.denominator == 1
    N = N.numerator
    r = isqrt(N)
    if r * r == N:
        v = Fr(r, 2 ** K)
    else:
        v = Fr(2 * r + 1, 2 ** (K + 1))   # strictly inside (r, r+1)/2^K
    return round_to(f, v, rm)


def fma(f, a, b, c, rm, neg_prod=False, neg_c=False):
    ka, sa, va = unpack(f, a)
    kb, sb, vb = unpack(f, b)
    kc, sc, vc = unpack(f, c)
    if neg_c:
        sc ^= 1
        vc = -vc if vc is not None else None
    ps = sa ^ sb ^ (1 if neg_prod else 0)
    inf_zero = (ka == 'inf' and kb == 'zero') or (ka == 'zero' and kb == 'inf')
    if isnan(ka) or isnan(kb) or isnan(kc):
        fl = _nan_in(ka, kb, kc) | (NV if inf_zero else 0)
        return f.qnan, fl
    if inf_zero:
        return f.qnan, NV
    if ka == 'inf' or kb == 'inf':
        if kc == 'inf' and sc != ps:
            return f.qnan, NV
        return (ps << (f.width - 1)) | f.inf, 0
    if kc == 'inf':
        return (sc << (f.width - 1)) | f.inf, 0
    p = va * vb
    if neg_prod:
        p = -p
    v = p + vc
    if v == 0:
        if p == 0 and kc == 'zero' and ps == sc:
            zs = ps
        else:
            zs = 1 if rm == 'rdn' else 0
        return round_to(f, v, rm, zs)
    return round_to(f, v, rm)


def fmin(f, a, b, is_max=False):
    ka, sa, va = unpack(f, a)
    kb, sb, vb = unpack(f, b)
    fl = NV if 'snan' in (ka, kb) else 0
    if isnan(ka) and isnan(kb):
        return f.qnan, fl
    if isnan(ka):
        return b, fl
    if isnan(kb):
        return a, fl

    def key(k, s, v):
        if k == 'inf':
            return (Fr(-1) if s else Fr(1)) * Fr(2) ** 5000, 0
        return v, (0 if s else 1)     # -0 < +0
    ka_ = key(ka, sa, va)
    kb_ = key(kb, sb, vb)
    if is_max:
        return (a if ka_ >= kb_ else b), fl
    return (a if ka_ <= kb_ else b), fl


def compare(f, a, b, op):
    ka, sa, va = unpack(f, a)
    kb, sb, vb = unpack(f, b)
    if isnan(ka) or isnan(kb):
        if op == 'eq':
            return 0, (NV if 'snan' in (ka, kb) else 0)
        return 0, NV

    def val(k, s, v):
        if k == 'inf':
            return (Fr(-1) if s else Fr(1)) * Fr(2) ** 5000
        return v
    x, y = val(ka, sa, va), val(kb, sb, vb)
    return int({'eq': x == y, 'lt': x < y, 'le': x <= y}[op]), 0


def fclass(f, a):
    k, s, v = unpack(f, a)
    bit = {('inf', 1): 0, ('norm', 1): 1, ('sub', 1): 2, ('zero', 1): 3,
           ('zero', 0): 4, ('sub', 0): 5, ('norm', 0): 6, ('inf', 0): 7}
    if k == 'snan':
        return 1 << 8
    if k == 'qnan':
        return 1 << 9
    return 1 << bit[(k, s)]


def to_int(f, a, rm, bits, signed):
    """fcvt.{w,wu,l,lu}.{s,d}: returns (value as unsigned 64-bit as rd, flags)"""
    k, s, v = unpack(f, a)
    lo = -(1 << (bits - 1)) if signed else 0
    hi = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
    if isnan(k):
        r, fl = hi, NV
    elif k == 'inf':
        r, fl = (lo if s else hi), NV
    else:
        x = -v if v < 0 else v
        n = x.numerator // x.denominator
        fr = x - n
        ri = _round_int(n, (fr > Fr(1, 2)) - (fr < Fr(1, 2)), fr == 0, s, rm, n & 1)
        ri = -ri if s else ri
        if ri < lo or ri > hi:
            r, fl = (lo if ri < lo else hi), NV
        else:
            r, fl = ri, (NX if fr != 0 else 0)
    # the W forms sign-extend the 32-bit result into rd
    r &= (1 << bits) - 1
    if bits == 32 and r >> 31:
        r |= 0xffffffff00000000
    return r & 0xffffffffffffffff, fl


def from_int(f, x, rm, bits, signed):
    """fcvt.{s,d}.{w,wu,l,lu}: x = the 64-bit register value"""
    x &= (1 << bits) - 1
    if signed and x >> (bits - 1):
        x -= 1 << bits
    return round_to(f, Fr(x), rm, 0)


def convert(fdst, fsrc, a, rm):
    """fcvt.s.d / fcvt.d.s"""
    k, s, v = unpack(fsrc, a)
    if isnan(k):
        return fdst.qnan, (NV if k == 'snan' else 0)
    if k == 'inf':
        return (s << (fdst.width - 1)) | fdst.inf, 0
    return round_to(fdst, v, rm, s)


def box(f, bits):
    """register image of a result: singles are NaN-boxed"""
    return (0xffffffff00000000 | bits) if f is S else bits
