"""YAML read as the Pulumi CLI reads it, keeping the line and column of every key for error messages.

The CLI parses Pulumi.yaml and stack files with Go's gopkg.in/yaml.v3, which differs from a YAML 1.1 reader's
`safe_load` in ways a user notices (yaml.v3 README, "Compatibility"; decode.go, resolve.go):

- YAML 1.2 booleans only: `true`/`false` (any case spelling of those). `yes`, `no`, `on`, `off` decode as text
  into untyped values, so `protect: yes` reaches the program as the string "yes", not as true.
- A timestamp-like plain scalar (`2025-01-01`) stays text in an untyped value.
- A key given twice in one mapping is an error ("mapping key ... already defined at line N"), never a silent
  overwrite.
- Integers may be written 0x…, 0o…, 0b…, legacy 0… octal, with `_` separators; too large for 64 bits, a float.

PyYAML's parser and composer give the tree of nodes with the line and column of each; we decode plain scalars
with the rules above instead of its YAML 1.1 ones, build the values ourselves, and collect keys given twice instead
of stopping at the first. Nothing here raises anything but `YamlError`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.composer import Composer
from yaml.constructor import ConstructorError
from yaml.error import MarkedYAMLError, YAMLError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver
from yaml.scanner import Scanner

KeyPath = tuple[str | int, ...]
_PLAIN = "!plain"
_TAG = "tag:yaml.org,2002:"
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?(0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_INT64 = (-(2**63), 2**64 - 1)  # yaml.v3 tries int64, then uint64, then float
# An explicit tag on a scalar: what its value must decode to.
_TYPED: dict[str, tuple[type, ...]] = {"int": (int,), "float": (int, float), "bool": (bool,), "null": (type(None),)}


@dataclass(frozen=True)
class Mark:
    """A position in a file, 1-based as editors show it."""

    line: int
    column: int


class YamlError(Exception):
    """A file that is not the YAML the CLI would accept; the message names file, line and column."""

    def __init__(self, source: str, message: str, mark: Mark | None = None) -> None:
        self.source = source
        self.mark = mark
        self.detail = message
        where = f"{source}:{mark.line}:{mark.column}" if mark else source
        super().__init__(f"{where}: {message}")


@dataclass
class Document:
    """A parsed file: its value, where each key sits, and the keys given twice (reported, not fatal)."""

    value: Any
    marks: dict[KeyPath, Mark] = field(default_factory=dict)
    duplicates: list[tuple[KeyPath, Mark, Mark]] = field(default_factory=list)

    def mark(self, path: KeyPath) -> Mark | None:
        """The position of `path`, or of its nearest ancestor that exists in the file."""
        for end in range(len(path), 0, -1):
            if (found := self.marks.get(path[:end])) is not None:
                return found
        return None


def plain_scalar(text: str) -> Any:
    """An untagged, unquoted scalar as yaml.v3 decodes it into an untyped value."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    if _INT.fullmatch(text):
        digits = text.replace("_", "")
        sign = -1 if digits.startswith("-") else 1
        body = digits.lstrip("+-")
        prefix = body[:2].lower()
        if prefix in ("0b", "0o", "0x"):
            number = sign * int(body[2:], {"0b": 2, "0o": 8, "0x": 16}[prefix]) if body[2:] else None
        elif len(body) > 1 and body[0] == "0":
            # legacy octal (0755); not octal digits (09) fall through to a float, as in Go's ParseFloat
            number = sign * int(body, 8) if set(body) <= set("01234567") else None
            if number is None:
                return sign * float(body)
        else:
            number = sign * int(body)
        if number is None:
            return text
        return number if _INT64[0] <= number <= _INT64[1] else float(number)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


_MERGE = f"{_TAG}merge"
_KIND = {ScalarNode: "scalar", SequenceNode: "sequence", MappingNode: "mapping"}


def _mark(node: Node) -> Mark:
    """Where a node starts (PyYAML counts from 0), as editors show it (from 1)."""
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class _Loader(Reader, Scanner, Parser, Composer, Resolver):
    """PyYAML's reader, scanner, parser and composer: the node tree, with plain scalars left for `plain_scalar`."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        Resolver.__init__(self)
        self.anchor_names: dict[Node, str] = {}

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """Plain scalars keep the tag `!plain`; `<<` stays the merge key."""
        if kind is ScalarNode and implicit[0] and value != "<<":
            return _PLAIN
        return str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]

    def scan_to_next_token(self) -> None:
        """PyYAML's, except that in flow context (`[...]`, `{...}`) a tab separates tokens as a space does, as in
        yaml.v3 (scannerc.go, yaml_parser_scan_to_next_token: "Tabs are allowed: in the flow context")."""
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        blank = " \t" if self.flow_level else " "
        while True:
            while self.peek() in blank:
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0\r\n\x85\u2028\u2029":
                    self.forward()
            if not self.scan_line_break():  # type: ignore[no-untyped-call]
                return
            if not self.flow_level:
                self.allow_simple_key = True

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        anchor = None if isinstance(event, AliasEvent) else event.anchor
        if anchor is not None:  # an anchor defined again replaces the first, as in yaml.v3 (PyYAML would refuse it)
            self.anchors.pop(anchor, None)
        node = super().compose_node(parent, index)
        if anchor is not None and node is not None:
            self.anchor_names[node] = anchor
        return node


@dataclass(eq=False)
class _Seq:
    """A list as written; like `_Map`, equal only to itself, so that either can stand as a (refused) key."""

    items: list[tuple[Any, Mark]] = field(default_factory=list)
    """(value, where the item starts)"""


@dataclass(eq=False)
class _Map:
    """A mapping as written: its own keys (the first of each), the mappings merged into it, the keys given twice."""

    items: list[tuple[Any, Any, Mark]] = field(default_factory=list)
    """(key, value, where the key starts)"""
    merged: list[_Map] = field(default_factory=list)
    twice: list[tuple[Any, Mark, Mark]] = field(default_factory=list)
    """(key, where it was first given, where again)"""


class _Build:
    """The node tree to values: yaml.v3's scalars, keys as written, merge keys, keys given twice collected.

    Each node is built once (an alias shares what its anchor built); a node met again while it is being built is an
    alias inside its own anchor's value, which yaml.v3 refuses ("anchor ... value contains itself")."""

    def __init__(self, source: str, anchor_names: dict[Node, str]) -> None:
        self.source = source
        self.anchor_names = anchor_names
        self.built: dict[Node, Any] = {}
        self.building: set[Node] = set()

    def refuse(self, node: Node, message: str) -> YamlError:
        return YamlError(self.source, message, _mark(node))

    def node(self, node: Node) -> Any:
        if node in self.built:
            return self.built[node]
        if node in self.building:
            raise self.refuse(node, f"the anchor &{self.anchor_names.get(node)} is used inside its own value")
        self.building.add(node)
        if isinstance(node, MappingNode):  # a tag on a mapping or a list changes nothing, as in yaml.v3
            value: Any = self.mapping(node)
        elif isinstance(node, SequenceNode):
            value = _Seq([(self.node(item), _mark(item)) for item in node.value])
        else:
            value = self.scalar(node)
        self.building.discard(node)
        self.built[node] = value
        return value

    def scalar(self, node: Node) -> Any:
        text = str(node.value)  # the text as written (block styles folded, anchors dropped)
        if node.tag == _PLAIN:
            return plain_scalar(text)
        if node.tag == f"{_TAG}str":
            return text
        kind = node.tag.removeprefix(_TAG)
        if kind not in _TYPED:
            raise self.refuse(
                node, f"the tag {node.tag} is not supported here; write plain YAML values (text, numbers, true/false)"
            )
        value = plain_scalar(text)
        if (isinstance(value, bool) and kind != "bool") or not isinstance(value, _TYPED[kind]):
            raise self.refuse(node, f"{text!r} is not a valid !!{kind}")
        return float(plain_scalar(text)) if kind == "float" else value

    def key(self, node: Node) -> Any:
        """A plain key is the text written: `1:` and `true:` are "1" and "true"."""
        if isinstance(node, ScalarNode) and node.tag == _PLAIN:
            return str(node.value)
        return self.node(node)

    def mapping(self, node: MappingNode) -> _Map:
        result = _Map()
        merges = [(key, value) for key, value in node.value if key.tag == _MERGE]  # `<<: *anchor` (yaml.v3 has them)
        for number, (key_node, value_node) in enumerate(merges):
            if number:
                raise ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    'found duplicate merge key "<<"',
                    key_node.start_mark,
                )
            result.merged = self.merged(node, value_node)
        first: dict[Any, Mark] = {}  # keys are text, other scalars or built lists and mappings: all hashable
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                continue
            key, value = self.key(key_node), self.node(value_node)
            if key in first:  # the first stays; where the second sits is kept to report both
                result.twice.append((key, first[key], _mark(key_node)))
            else:
                first[key] = _mark(key_node)
                result.items.append((key, value, _mark(key_node)))
        return result

    def merged(self, node: MappingNode, value_node: Node) -> list[_Map]:
        """The mappings `<<` names: one, or a list of them (the earlier wins)."""
        value = self.node(value_node)
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, MappingNode):
                expected = "a mapping" if isinstance(value_node, SequenceNode) else "a mapping or list of mappings"
                raise ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"expected {expected} for merging, but found {_KIND[type(source)]}",
                    source.start_mark,
                )
        return [item for item, _ in value.items] if isinstance(value, _Seq) else [value]


class _Walk:
    """The built values to plain dicts and lists, recording where each key and item sits."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.document = Document(None)

    def value(self, data: Any, path: KeyPath) -> Any:
        if isinstance(data, _Map):
            return self.mapping(data, path)
        if isinstance(data, _Seq):
            for index, (_, where) in enumerate(data.items):
                self.document.marks[(*path, index)] = where
            return [self.value(item, (*path, index)) for index, (item, _) in enumerate(data.items)]
        return data

    def mapping(self, data: _Map, path: KeyPath) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for source in reversed(data.merged):
            merged |= self.mapping(source, path)
        own: dict[str, Any] = {}
        for key, value, where in data.items:
            if not isinstance(key, str):
                raise YamlError(self.source, "a key must be plain text, not a list or a mapping", where)
            self.document.marks[(*path, key)] = where
            own[key] = self.value(value, (*path, key))
        self.document.duplicates.extend(((*path, key), first, second) for key, first, second in data.twice)
        return {**merged, **own}  # keys given explicitly win


def _position(text: str, offset: int) -> Mark:
    before = text[:offset]
    return Mark(before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)


def parse(text: str, source: str) -> Document:
    """Parse YAML text; `source` names it in messages (a file path, or `--set key=value`)."""
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
        tree = _Build(source, loader.anchor_names).node(root) if root is not None else None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "not valid YAML"
        hint = "; YAML indents with spaces, never tabs" if "\\t" in problem or "\t" in problem else ""
        context = f" ({error.context})" if error.context and error.problem else ""
        position = Mark(mark.line + 1, mark.column + 1) if mark else None
        raise YamlError(source, f"not valid YAML: {problem}{context}{hint}", position) from None
    except ReaderError as error:
        raise YamlError(
            source,
            f"character U+{error.character:04X} is not allowed in YAML ({error.reason})",
            _position(text, error.position),
        ) from None
    except YAMLError as error:  # any other PyYAML error: still one line, never a traceback
        raise YamlError(source, f"not valid YAML: {error}") from None
    walk = _Walk(source)
    walk.document.value = walk.value(tree, ())
    walk.document.duplicates.sort(key=lambda duplicate: (duplicate[2].line, duplicate[2].column))  # file order
    return walk.document


def read(path: Path, shown_as: str | None = None) -> Document:
    """Read a YAML file as UTF-8 (a BOM is allowed), refusing other encodings with the byte's position."""
    source = shown_as or str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise YamlError(source, f"cannot be read: {error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", errors="replace")
        mark = _position(before + "?", len(before))
        raise YamlError(source, f"is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8", mark) from None
    return parse(text, source)
