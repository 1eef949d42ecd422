"""The little language of the question bank's `rumus` column: how a computed `%` item follows from its inputs.

The bank writes each formula as the LKE workbook computes it, in words an inspector reads, e.g.

    min(1, a.2 / a.1)
    1 jika a.1 = 0 dan a.2 = 0; selain itu max(0, (a.1 - a.2) / a.1); a.3 wajib diisi, tidak dihitung

A formula is one or more clauses separated by `;`: `EXPR jika CONDITION` (the value when the condition
holds), `selain itu EXPR` (otherwise), a bare `EXPR`, or `REF[, REF] wajib diisi, tidak dihitung` (inputs that
must be answered but do not count). Expressions have numbers, references such as `a.2` (input 2 of item `a` of
the same sub-area), `+ - * /`, parentheses, `min(...)` and `max(...)`; conditions compare two expressions
(`= <> < <= > >=`) joined by `dan`. Nothing else parses, so a formula can never run code.

A division by zero is not an error here: `evaluate` raises `ZeroDenominator`, and the rules file says what such
an item is worth (`[lke.zero_denominator]`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([a-z]\.\d+)|(<=|>=|<>|[-+*/(),=<>;])|([a-z]+))", re.IGNORECASE)
COMPARE = {
    "=": lambda a, b: abs(a - b) < 1e-12,
    "<>": lambda a, b: abs(a - b) >= 1e-12,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
FUNCTIONS = {"min": min, "max": max}


class FormulaError(ValueError):
    """A `rumus` that does not parse; raised when the bank is read, so a bad formula never scores."""


class ZeroDenominator(ArithmeticError):
    """The formula divided by zero for these inputs (the workbook would show #DIV/0!)."""


# -- the tree -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Ref:
    name: str  # e.g. "a.2", relative to the item's sub-area


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Node, ...]


Node = Number | Ref | Binary | Call


@dataclass(frozen=True)
class Condition:
    comparisons: tuple[tuple[str, Node, Node], ...]  # all must hold (`dan`)


@dataclass(frozen=True)
class Formula:
    text: str
    cases: tuple[tuple[Condition | None, Node], ...]  # the first case whose condition holds; None: otherwise
    required: tuple[str, ...]  # inputs that must be answered but do not count

    @cached_property  # asked for each % item of every stage of every file
    def references(self) -> tuple[str, ...]:
        """Every input the formula names, in order of first mention (counted or only required)."""
        found: list[str] = []
        for condition, node in self.cases:
            for comparison in condition.comparisons if condition else ():
                found += _refs(comparison[1]) + _refs(comparison[2])
            found += _refs(node)
        return tuple(dict.fromkeys(found + list(self.required)))

    def evaluate(self, inputs: dict[str, float], stated: dict[Node, float] | None = None) -> float:
        """The formula's value for `inputs` (ref -> number). `stated`: sub-expressions whose value the
        workbook states itself (a total typed over its parts), used instead of computing them."""
        for condition, node in self.cases:
            if condition is None or all(
                COMPARE[op](_eval(a, inputs, stated), _eval(b, inputs, stated)) for op, a, b in condition.comparisons
            ):
                return _eval(node, inputs, stated)
        raise FormulaError(f"rumus '{self.text}': tidak ada kasus yang berlaku (tambahkan 'selain itu ...')")


def _refs(node: Node) -> list[str]:
    if isinstance(node, Ref):
        return [node.name]
    if isinstance(node, Binary):
        return _refs(node.left) + _refs(node.right)
    if isinstance(node, Call):
        return [r for arg in node.args for r in _refs(arg)]
    return []


def _eval(node: Node, inputs: dict[str, float], stated: dict[Node, float] | None) -> float:
    if stated and node in stated:
        return stated[node]
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Ref):
        return inputs[node.name]
    if isinstance(node, Call):
        return FUNCTIONS[node.function](_eval(arg, inputs, stated) for arg in node.args)
    left, right = _eval(node.left, inputs, stated), _eval(node.right, inputs, stated)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if right == 0:
        raise ZeroDenominator(node)
    return left / right


# -- parsing --------------------------------------------------------------------------------------
def parse(text: str) -> Formula:
    """Parse a `rumus`; raise FormulaError naming what did not parse."""
    cases: list[tuple[Condition | None, Node]] = []
    required: list[str] = []
    for clause in (c.strip() for c in text.split(";")):
        if not clause:
            continue
        lowered = clause.lower()
        if lowered.endswith("wajib diisi, tidak dihitung"):
            names = clause[: -len("wajib diisi, tidak dihitung")].replace(",", " ").split()
            if not names or not all(re.fullmatch(r"[a-z]\.\d+", n, re.IGNORECASE) for n in names):
                raise FormulaError(f"rumus '{text}': masukan wajib tidak terbaca: '{clause}'")
            required += [n.lower() for n in names]
            continue
        condition = None
        if lowered.startswith("selain itu"):
            clause = clause[len("selain itu") :]
        elif " jika " in f" {lowered} ":
            expression, _, condition_text = re.split(r"\s+(jika)\s+", clause, maxsplit=1, flags=re.IGNORECASE)
            clause = expression
            condition = _Parser(condition_text, text).condition()
        cases.append((condition, _Parser(clause, text).expression_only()))
    if not cases:
        raise FormulaError(f"rumus '{text}': tidak ada ekspresi")
    return Formula(text, tuple(cases), tuple(required))


class _Parser:
    """Recursive descent over the tokens of one clause."""

    def __init__(self, text: str, whole: str):
        self.whole = whole
        self.tokens: list[tuple[str, str]] = []
        position = 0
        text = text.strip()
        while position < len(text):
            match = TOKEN.match(text, position)
            if not match or match.end() == position:
                raise FormulaError(f"rumus '{whole}': tidak terbaca mulai '{text[position:]}'")
            number, ref, symbol, word = match.groups()
            if number is not None:
                self.tokens.append(("number", number))
            elif ref is not None:
                self.tokens.append(("ref", ref.lower()))
            elif symbol is not None:
                self.tokens.append(("symbol", symbol))
            else:
                self.tokens.append(("word", word.lower()))
            position = match.end()
        self.at = 0

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take(self, kind: str | None = None, value: str | None = None) -> tuple[str, str]:
        token = self._peek()
        if token is None or (kind and token[0] != kind) or (value and token[1] != value):
            raise FormulaError(f"rumus '{self.whole}': diharapkan {value or kind}, ditemukan {token[1] if token else 'akhir'}")
        self.at += 1
        return token

    def _done(self) -> None:
        if self._peek() is not None:
            raise FormulaError(f"rumus '{self.whole}': sisa yang tidak terbaca: '{self._peek()[1]}'")  # type: ignore[index]

    def expression_only(self) -> Node:
        node = self.expression()
        self._done()
        return node

    def condition(self) -> Condition:
        comparisons = [self._comparison()]
        while self._peek() == ("word", "dan"):
            self._take()
            comparisons.append(self._comparison())
        self._done()
        return Condition(tuple(comparisons))

    def _comparison(self) -> tuple[str, Node, Node]:
        left = self.expression()
        token = self._take("symbol")
        if token[1] not in COMPARE:
            raise FormulaError(f"rumus '{self.whole}': pembanding tidak dikenal '{token[1]}'")
        return token[1], left, self.expression()

    def expression(self) -> Node:
        node = self._term()
        while self._peek() in (("symbol", "+"), ("symbol", "-")):
            op = self._take()[1]
            node = Binary(op, node, self._term())
        return node

    def _term(self) -> Node:
        node = self._factor()
        while self._peek() in (("symbol", "*"), ("symbol", "/")):
            op = self._take()[1]
            node = Binary(op, node, self._factor())
        return node

    def _factor(self) -> Node:
        token = self._peek()
        if token is None:
            raise FormulaError(f"rumus '{self.whole}': ekspresi terpotong")
        if token == ("symbol", "("):
            self._take()
            node = self.expression()
            self._take("symbol", ")")
            return node
        if token == ("symbol", "-"):
            self._take()
            return Binary("-", Number(0.0), self._factor())
        if token[0] == "number":
            self._take()
            return Number(float(token[1]))
        if token[0] == "ref":
            self._take()
            return Ref(token[1])
        if token[0] == "word" and token[1] in FUNCTIONS:
            self._take()
            self._take("symbol", "(")
            args = [self.expression()]
            while self._peek() == ("symbol", ","):
                self._take()
                args.append(self.expression())
            self._take("symbol", ")")
            return Call(token[1], tuple(args))
        raise FormulaError(f"rumus '{self.whole}': tidak terbaca '{token[1]}'")
