"""YAML read as the Pulumi CLI reads it, keeping the line and column of every key for error messages.

The CLI parses Pulumi.yaml and stack files with Go's gopkg.in/yaml.v3, which differs from a YAML 1.1 reader's
`safe_load` in ways a user notices (yaml.v3 README, "Compatibility"; decode.go, resolve.go):

- YAML 1.2 booleans only: `true`/`false` (any case spelling of those). `yes`, `no`, `on`, `off` decode as text
  into untyped values, so `protect: yes` reaches the program as the string "yes", not as true.
- A timestamp-like plain scalar (`2025-01-01`) stays text in an untyped value.
- A key given twice in one mapping is an error ("mapping key ... already defined at line N"), never a silent
  overwrite.
- Integers may be written 0x…, 0o…, 0b…, legacy 0… octal, with `_` separators; too large for 64 bits, a float.

ruamel.yaml's round-trip loader parses the file and records where each key and item sits (`.lc`); we decode
plain scalars with the rules above instead of its own, and collect keys given twice instead of stopping at the
first. Nothing here raises anything but `YamlError`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

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


def _mark(line: int, column: int) -> Mark:
    """A position as ruamel.yaml gives it (from 0) as editors show it (from 1)."""
    return Mark(line + 1, column + 1)


class _Resolver(VersionedResolver):
    """Plain scalars keep the tag `!plain`, for `plain_scalar` to decode; `<<` stays the merge key."""

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> Any:
        if kind is ScalarNode and implicit[0] and value != "<<":
            return Tag(suffix=_PLAIN)
        return super().resolve(kind, value, implicit)


class _Constructor(RoundTripConstructor):
    """The round-trip constructor with yaml.v3's scalars, keys as written, and keys given twice collected."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = ""
        self.duplicates: list[tuple[CommentedMap, str, Mark]] = []

    def refuse(self, node: Node, message: str) -> YamlError:
        return YamlError(self.source, message, _mark(node.start_mark.line, node.start_mark.column))

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node in self.recursive_objects:  # yaml.v3: "anchor ... value contains itself"
            raise self.refuse(node, f"the anchor &{node.anchor} is used inside its own value")
        return super().construct_object(node, deep=True)  # built at once, so that check sees every value

    def construct_non_recursive_object(self, node: Node, tag: str | None = None) -> Any:
        tag = tag or str(node.tag)
        if not isinstance(node, ScalarNode):  # a tag on a mapping or a list changes nothing, as in yaml.v3
            return super().construct_non_recursive_object(
                node, _TAG + ("map" if isinstance(node, MappingNode) else "seq")
            )
        text = str(self.construct_scalar(node))  # the text as written (block styles folded, anchors dropped)
        if tag == _PLAIN:
            return plain_scalar(text)
        if tag == f"{_TAG}str":
            return text
        kind = tag.removeprefix(_TAG)
        if kind not in _TYPED:
            raise self.refuse(
                node, f"the tag {tag} is not supported here; write plain YAML values (text, numbers, true/false)"
            )
        value = plain_scalar(text)
        if (isinstance(value, bool) and kind != "bool") or not isinstance(value, _TYPED[kind]):
            raise self.refuse(node, f"{text!r} is not a valid !!{kind}")
        return float(plain_scalar(text)) if kind == "float" else value

    def flatten_mapping(self, node: Any) -> Any:
        for key_node, _ in node.value:  # a key is the text written: `1:` and `true:` are "1" and "true"
            if key_node.tag == _PLAIN:
                key_node.tag = f"{_TAG}str"
        return super().flatten_mapping(node)

    def check_mapping_key(self, node: Node, key_node: Node, mapping: Any, key: Any, value: Any) -> bool:
        if key in mapping:  # the first stays; where the second sits is kept to report both
            self.duplicates.append((mapping, key, _mark(key_node.start_mark.line, key_node.start_mark.column)))
            return False
        return True


class _Walk:
    """ruamel's tree to plain dicts and lists, recording where each key and item sits."""

    def __init__(self, source: str, duplicates: list[tuple[CommentedMap, str, Mark]]) -> None:
        self.source = source
        self.document = Document(None)
        self.duplicates = duplicates

    def value(self, data: Any, path: KeyPath) -> Any:
        if isinstance(data, CommentedMap):
            return self.mapping(data, path)
        if isinstance(data, CommentedSeq):
            for index in range(len(data)):
                self.document.marks[(*path, index)] = _mark(*data.lc.item(index))
            return [self.value(item, (*path, index)) for index, item in enumerate(data)]
        return data

    def mapping(self, data: CommentedMap, path: KeyPath) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for source in reversed(list(data.merge)):  # `<<: *anchor` (yaml.v3 supports merge keys)
            merged |= self.mapping(source, path)
        own: dict[str, Any] = {}
        for key, value in data.non_merged_items():
            where = _mark(*data.lc.key(key))
            if not isinstance(key, str):
                raise YamlError(self.source, "a key must be plain text, not a list or a mapping", where)
            self.document.marks[(*path, key)] = where
            own[key] = self.value(value, (*path, key))
        for mapping, key, second in self.duplicates:
            if mapping is data:
                self.document.duplicates.append(((*path, key), _mark(*data.lc.key(key)), second))
        return {**merged, **own}  # keys given explicitly win


def _position(text: str, offset: int) -> Mark:
    before = text[:offset]
    return Mark(before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)


def parse(text: str, source: str) -> Document:
    """Parse YAML text; `source` names it in messages (a file path, or `--set key=value`)."""
    yaml = YAML(typ="rt", pure=True)
    yaml.Resolver, yaml.Constructor = _Resolver, _Constructor
    yaml.constructor.source = source
    try:
        tree = yaml.load(text)
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
    except YAMLError as error:  # any other ruamel.yaml error: still one line, never a traceback
        raise YamlError(source, f"not valid YAML: {error}") from None
    walk = _Walk(source, yaml.constructor.duplicates)
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
