"""QR codes for badges: the very symbol qrcode's make(fit=True) draws, some twenty-five times faster.

A badge file holds up to a few thousand codes, and qrcode spends ~5.5 ms on each (here ~0.2 ms):
~0.5 ms in its Reed-Solomon polynomials and bit buffer, the rest building the whole matrix module
by module eight times over, once per mask pattern, to score each one (lost_point). Here whatever
depends only on the symbol's version is worked out once, and the work per code is a few operations
on big integers:

- the data bits go into one integer; the error correction codewords come from a product table over
  qrcode's own Galois field tables, the remainder held as the bytes of one integer;
- the modules are placed by one C-level gather (operator.itemgetter) along the placement order,
  which is taken once per version from qrcode's own function patterns and walk (map_data);
- the symbol is held as one integer of bits, its rows and then its columns, each line followed by
  a light guard bit; a mask is one XOR, and every penalty rule is a handful of shifts, ANDs and
  bit counts over all lines at once (the guard bits keep patterns from running across lines).

The penalty is qrcode's lost_point() rule for rule, including its habit of scoring the symbol with
the format (and version) information left light, and ties go to the lowest mask, as in
best_mask_pattern(). So the mask chosen, and every module, is the one qrcode picks: the tests
compare whole matrices with qrcode's for random tokens, and scan printed codes with zxing-cpp.

Why not a fixed mask: it would be ~8 times cheaper still, but a fixed mask leaves some codes with
large blocks or finder-like patterns that readers misjudge; choosing by the penalty costs ~0.1 ms.
Only alphanumeric data (our tokens: "EH1-" and 26 of A-Z, 2-7) takes this route; anything else
is handed to qrcode whole.
"""
import operator
import re
from functools import cache
from itertools import chain

from qrcode import QRCode, base, util
from qrcode.constants import ERROR_CORRECT_M

# Badge tokens fit version 2 at level M (30 alphanumeric characters of 38); a larger symbol would
# print with smaller modules, so anything beyond version 4 is refused rather than printed.
MAX_VERSION = 4
_ALPHANUMERIC = re.compile(rb"[0-9A-Z $%*+\-./:]*\Z")
_ALPHABET = {c: i for i, c in enumerate(util.ALPHA_NUM)}
_DARK = re.compile(rb"1+")
LIGHT, DARK = -2, -1  # the message bits end with '0' then '1', for the modules that are no data


class QRSymbol:
    """A finished symbol: its version, mask, size in modules, and its modules row after row as
    '0'/'1' bytes (dark = '1'), without the quiet zone."""

    __slots__ = ("mask", "modules", "size", "version")

    def __init__(self, version: int, mask: int, modules: bytes):
        self.version, self.mask, self.modules = version, mask, modules
        self.size = version * 4 + 17

    def rows(self) -> list[bytes]:
        n = self.size
        return [self.modules[i:i + n] for i in range(0, n * n, n)]

    def rectangles(self) -> list[list[int]]:
        """The dark modules as few [column, row, width, height] rectangles: each row's runs, a run
        repeated in the row below merged into one taller rectangle (the finders' sides, the timing
        patterns' neighbours...): about 120 rectangles for a version 2 code instead of 300 modules."""
        n = self.size
        line = n + 1
        # The rows joined by a light module, so one scan finds every row's runs.
        guarded = b"0".join([self.modules[i:i + n] for i in range(0, n * n, n)])
        done, last = [], {}  # (column, width) -> the rectangle that run last extended
        for match in _DARK.finditer(guarded):
            start, end = match.span()
            row, column = divmod(start, line)
            key = (column, end - start)
            rectangle = last.get(key)
            if rectangle is not None and rectangle[1] + rectangle[3] == row:
                rectangle[3] += 1
            else:
                last[key] = rectangle = [column, row, end - start, 1]
                done.append(rectangle)
        return done

    def path(self) -> str:
        """The rectangles as PDF path operators in module units, rows counted downwards."""
        rectangles = self.rectangles()
        return ("%d %d %d %d re\n" * len(rectangles)) % tuple(chain.from_iterable(rectangles))


def qr_symbol(data: str, error_correction: int = ERROR_CORRECT_M) -> QRSymbol:
    """The QR symbol qrcode would make for the data (smallest version, best mask)."""
    raw = data.encode("ascii") if data.isascii() else b""
    if not raw or not _ALPHANUMERIC.match(raw):
        return _by_qrcode(data, error_correction)
    version = _version(len(raw), error_correction)
    if version > MAX_VERSION:
        raise ValueError(f"QR data too long for a badge: version {version} > {MAX_VERSION}")
    layout = _layout(version, error_correction)
    unmasked = int(layout.gather(_message_bits(raw, version, error_correction, layout.data_length)), 2)
    best_mask, best_penalty = 0, None
    for mask, pattern in enumerate(layout.masks):
        penalty = layout.penalty(unmasked ^ pattern)
        if best_penalty is None or penalty < best_penalty:
            best_mask, best_penalty = mask, penalty
    return QRSymbol(version, best_mask, layout.modules(unmasked ^ layout.masks[best_mask], best_mask))


def _by_qrcode(data: str, error_correction: int) -> QRSymbol:
    """Any other data: qrcode does all of it (slowly, but such codes are not on badges)."""
    qr = QRCode(error_correction=error_correction, border=0)
    qr.add_data(data)
    qr.make(fit=True)
    if qr.version > MAX_VERSION:
        raise ValueError(f"QR data too long for a badge: version {qr.version} > {MAX_VERSION}")
    modules = b"".join(bytes(48 + bool(m) for m in row) for row in qr.modules)
    return QRSymbol(qr.version, -1, modules)


@cache
def _version(length: int, error_correction: int) -> int:
    """The smallest version holding this many alphanumeric characters (qrcode's best_fit)."""
    for version in range(1, 41):
        needed = 4 + util.length_in_bits(util.MODE_ALPHA_NUM, version) + 11 * (length // 2) + 6 * (length % 2)
        if needed <= util.BIT_LIMIT_TABLE[error_correction][version]:
            return version
    raise ValueError("QR data too long")


def _message_bits(raw: bytes, version: int, error_correction: int, data_length: int) -> bytes:
    """The final message (data and error correction codewords interleaved, then the remainder
    bits) as '0'/'1' bytes in placement order, with '0' and '1' appended for the gather."""
    length_bits = util.length_in_bits(util.MODE_ALPHA_NUM, version)
    value, count = (0b0010 << length_bits) | len(raw), 4 + length_bits  # alphanumeric mode, length
    alphabet = _ALPHABET
    for i in range(0, len(raw) - 1, 2):
        value, count = (value << 11) | (alphabet[raw[i]] * 45 + alphabet[raw[i + 1]]), count + 11
    if len(raw) % 2:
        value, count = (value << 6) | alphabet[raw[-1]], count + 6
    blocks = base.rs_blocks(version, error_correction)
    capacity = sum(b.data_count for b in blocks)
    shift = min(8 * capacity - count, 4)  # the terminator, then zeros up to a whole byte
    shift += -(count + shift) % 8
    data = list((value << shift).to_bytes((count + shift) // 8, "big"))
    data = (data + [0xEC, 0x11] * capacity)[:capacity]  # the pad codewords
    # Reed-Solomon per block, then interleaved as the standard (and qrcode's create_bytes) does.
    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        chunk = data[offset:offset + block.data_count]
        offset += block.data_count
        data_blocks.append(chunk)
        ec_blocks.append(_remainder(chunk, block.total_count - block.data_count))
    message = [b[i] for i in range(max(map(len, data_blocks))) for b in data_blocks if i < len(b)]
    message += [b[i] for i in range(max(map(len, ec_blocks))) for b in ec_blocks if i < len(b)]
    bits = format(int.from_bytes(bytes(message), "big"), f"0{8 * len(message)}b").encode()
    return bits + b"0" * (data_length - len(bits)) + b"01"


def _remainder(data: list[int], ec_count: int) -> list[int]:
    """The error correction codewords: the data polynomial modulo the generator, by long division.
    The remainder's codewords are held as the bytes of one integer: a step is a shift and an XOR."""
    products = _generator_products(ec_count)
    top, keep = 8 * (ec_count - 1), (1 << 8 * ec_count) - 1
    remainder = 0
    for codeword in data:
        remainder = ((remainder << 8) & keep) ^ products[codeword ^ (remainder >> top)]
    return list(remainder.to_bytes(ec_count, "big"))


@cache
def _generator_products(ec_count: int) -> tuple[int, ...]:
    """For each byte value, that value times the generator polynomial (without its leading 1), its
    coefficients as the bytes of one integer."""
    exp, log = base.EXP_TABLE, base.LOG_TABLE
    generator = [1]
    for i in range(ec_count):  # the product of (x - a^i) over GF(256)
        generator = [a ^ (exp[(log[b] + i) % 255] if b else 0) for a, b in zip(generator + [0], [0] + generator)]
    tail = generator[1:]
    return tuple(int.from_bytes(bytes(exp[(log[f] + log[g]) % 255] if f and g else 0 for g in tail), "big")
                 for f in range(256))


class _Layout:
    """What every symbol of one version and level shares: where the data goes, the masks, the format
    bits, and the bit masks the penalty rules use.

    A symbol is one integer of 2·n·(n+1) bits: its n rows, then its n columns, each followed by
    a guard bit that stays 0, so a run of dark modules never continues into the next line.
    """

    def __init__(self, version: int, error_correction: int):
        n = self.size = version * 4 + 17
        self.line = n + 1
        self.half = n * self.line  # bits in the rows (or the columns) part
        test = self._function_patterns(version, error_correction, test=True, mask=0)
        order = self._placement_order(test)
        self.data_length = len(order)
        index = {divmod(position, n): i for i, position in enumerate(order)}
        # Light function modules and guards gather the appended '0', dark ones the appended '1'.
        cells = self._cells(lambda r, c: index.get((r, c), DARK if test[r][c] else LIGHT))
        self._pick = operator.itemgetter(*[LIGHT if cell is None else cell for cell in cells[:self.half]])
        self.masks = [self._bits(_masked_data(index, util.mask_func(mask))) for mask in range(8)]
        test_bits = self._bits(lambda r, c: bool(test[r][c]))
        self.format_info = []
        for mask in range(8):
            final = self._function_patterns(version, error_correction, test=False, mask=mask)
            self.format_info.append(self._bits(lambda r, c, final=final: bool(final[r][c])) ^ test_bits)
        self.cells = self._bits(lambda r, c: True)  # every module, no guard
        self.rows_part = (1 << self.half) - 1

    def _cells(self, value) -> list:
        """value(row, column) for every bit of the layout, most significant first; None for guards."""
        n = self.size
        rows = [[value(r, c) for c in range(n)] + [None] for r in range(n)]
        columns = [[value(r, c) for r in range(n)] + [None] for c in range(n)]
        return [cell for line in rows + columns for cell in line]

    def _bits(self, predicate) -> int:
        return int("".join("1" if cell else "0" for cell in self._cells(predicate)), 2)

    def gather(self, bits: bytes) -> bytes:
        """The symbol's '0'/'1' bytes in the layout: the rows gathered from the message bits, then the
        columns sliced out of the rows."""
        rows = bytes(self._pick(bits))
        line = self.line
        return rows + b"0".join([rows[c::line] for c in range(self.size)]) + b"0"

    def penalty(self, symbol: int) -> int:
        """qrcode's lost_point() of the symbol (rules 1 and 3 over rows and columns at once)."""
        d0 = symbol
        l0 = ~symbol & self.cells  # light modules; guards are neither dark nor light
        d1, d2, d3, d4, d6, d7, d8, d10 = (d0 >> k for k in (1, 2, 3, 4, 6, 7, 8, 10))
        l1, l2, l3, l4, l5, l7, l8, l9, l10 = (l0 >> k for k in (1, 2, 3, 4, 5, 7, 8, 9, 10))
        penalty = 0
        # Rule 1: a run of L >= 5 modules of one colour costs L - 2: it holds L - 4 windows of five,
        # one of which is its first. A window's bit is set where all five modules are that colour.
        for fives in (d0 & d1 & d2 & d3 & d4, l0 & l1 & l2 & l3 & l4):
            penalty += fives.bit_count() + 2 * (fives & ~(fives << 1)).bit_count()
        # Rule 3: 40 per place where 10111010000 or 00001011101 starts (they share five modules).
        shared = l1 & d4 & l5 & d6 & l9
        penalty += 40 * ((shared & d0 & d2 & d3 & l7 & l8 & l10).bit_count()
                         + (shared & l0 & l2 & l3 & d7 & d8 & d10).bit_count())
        # Rule 2: 3 per 2 x 2 block of one colour (overlapping blocks each count), over the rows.
        below = self.line
        for same in (d0 >> self.half, l0 >> self.half):
            penalty += 3 * (same & (same >> 1) & (same >> below) & (same >> (below + 1))).bit_count()
        # Rule 4: 10 per whole 5 % the dark share strays from half (qrcode's float arithmetic).
        percent = float((d0 >> self.half).bit_count()) / (self.size ** 2)
        return penalty + int(abs(percent * 100 - 50) / 5) * 10

    def modules(self, masked: int, mask: int) -> bytes:
        """The finished symbol's rows as '0'/'1' bytes: the masked data with its format information."""
        n, line = self.size, self.line
        rows = format((masked ^ self.format_info[mask]) >> self.half, f"0{self.half}b").encode()
        return b"".join(rows[i:i + n] for i in range(0, self.half, line))

    @staticmethod
    def _function_patterns(version: int, error_correction: int, test: bool, mask: int) -> list[list]:
        """qrcode's own function patterns (finders, timing, alignment, format and version
        information) on an empty matrix; None marks where data goes. As makeImpl does it."""
        qr = QRCode(version=version, error_correction=error_correction)
        n = qr.modules_count = version * 4 + 17
        qr.modules = [[None] * n for _ in range(n)]
        qr.setup_position_probe_pattern(0, 0)
        qr.setup_position_probe_pattern(n - 7, 0)
        qr.setup_position_probe_pattern(0, n - 7)
        qr.setup_position_adjust_pattern()
        qr.setup_timing_pattern()
        qr.setup_type_info(test, mask)
        if version >= 7:
            qr.setup_type_number(test)
        return qr.modules

    @staticmethod
    def _placement_order(modules: list[list]) -> list[int]:
        """Flat positions of the data modules in the order bits fill them (qrcode's map_data walk)."""
        n = len(modules)
        order, row, step = [], n - 1, -1
        for col in range(n - 1, 0, -2):
            if col <= 6:
                col -= 1  # the vertical timing pattern is skipped
            while True:
                for c in (col, col - 1):
                    if modules[row][c] is None:
                        order.append(row * n + c)
                row += step
                if row < 0 or row >= n:
                    row -= step
                    step = -step
                    break
        return order


def _masked_data(data_positions, applies):
    """(row, column) -> True for a data module the mask inverts."""
    return lambda r, c: (r, c) in data_positions and applies(r, c)


@cache
def _layout(version: int, error_correction: int) -> _Layout:
    return _Layout(version, error_correction)
