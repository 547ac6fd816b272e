"""A Python-Markdown extension that renders TeX math to MathML when the site is built.

It is ``pymdownx.arithmatex`` (same syntax: ``$...$`` inline, ``$$...$$`` display) with the output
swapped: instead of leaving TeX for a JavaScript renderer, each formula is converted by ``latex2mathml``
into MathML, which browsers render natively. Pages therefore need no script, no web font and no CDN to
show math. A formula that cannot be converted fails the build.

Use it in ``mkdocs.yml`` as ``- site_tools.mathml``.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree
from typing import Any

from latex2mathml.converter import convert
from markdown import Markdown
from pymdownx.arithmatex import ArithmatexExtension, BlockArithmatexProcessor, InlineArithmatexPattern

#: Traces of TeX that ``latex2mathml`` passed through instead of converting.
_UNCONVERTED = re.compile(r"<m[io]>(?:&|\\[A-Za-z]+)</m[io]>")


#: A minus sign that starts a group, or follows an opening bracket, a comma or a relation: a sign, not
#: a subtraction. latex2mathml leaves it in a flat row, where browsers space it like a binary operator
#: ("sin( - x)"); marking it as a prefix operator sets it tight ("sin(-x)").
_SIGN_MINUS = re.compile(
    r"(<mrow>|<mo[^>]*>(?:&#x00028;|&#x0005B;|\(|\[|&#x0002C;|&#x0003D;|&#x02208;|&#x02264;|&#x02265;)</mo>)"
    r"<mo>&#x02212;</mo>"
)


#: A bare "|", which latex2mathml leaves without a form; paired bars are absolute values.
_BAR = '<mo stretchy="false">&#x0007C;</mo>'


#: A numeric character reference, as latex2mathml writes every operator and Greek letter.
_CHARACTER = re.compile(r"&#x([0-9A-Fa-f]+);")


def _literal(match: re.Match[str]) -> str:
    """Write a character reference as the character itself (pages are UTF-8): a third of the bytes."""
    character = chr(int(match.group(1), 16))
    return match.group(0) if character in '<>&"' else character


class MathConversionError(ValueError):
    """A formula could not be converted to MathML."""


@functools.lru_cache(maxsize=4096)
def to_mathml(tex: str, display: str) -> str:
    """Convert one TeX formula to a ``<math>`` element.

    Results are cached by formula and display: ``mkdocs serve`` converts every page again after each
    change, and most formulas are the same as in the previous build.

    Parameters
    ----------
    tex
        The formula, without delimiters.
    display
        ``"inline"`` or ``"block"``.

    Raises
    ------
    MathConversionError
        If the formula uses TeX that ``latex2mathml`` does not convert (for example ``aligned``).
    """
    try:
        mathml = convert(tex.strip(), display=display)
    except Exception as error:
        raise MathConversionError(f"cannot convert math {tex!r}: {error}") from error
    mathml = _pair_bars(_SIGN_MINUS.sub(r'\1<mo form="prefix">&#x02212;</mo>', mathml))
    mathml = _CHARACTER.sub(_literal, mathml)
    leftover = _UNCONVERTED.search(mathml)
    if leftover:
        raise MathConversionError(f"cannot convert math {tex!r}: {leftover.group(0)} left unconverted")
    return mathml


def _pair_bars(mathml: str) -> str:
    """Mark bare bars as opening and closing fences, in pairs: |r| is spaced like (r), not like a - b."""
    pieces = mathml.split(_BAR)
    if len(pieces) < 3 or len(pieces) % 2 == 0:  # no pair, or an odd count: leave as written
        return mathml
    forms = ["prefix", "postfix"] * (len(pieces) // 2)
    bars = [f'<mo fence="true" form="{form}" stretchy="false">&#x0007C;</mo>' for form in forms]
    return "".join(piece + bar for piece, bar in zip(pieces, [*bars, ""], strict=True))


class _InlineMath(InlineArithmatexPattern):
    def __init__(self, pattern: str, config: dict[str, Any], md: Markdown) -> None:
        super().__init__(pattern, config)
        self.md = md

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int, int]:
        element, start, end = super().handleMatch(m, data)
        if isinstance(element, str):  # an escaped dollar, not math
            return element, start, end
        return self.md.htmlStash.store(to_mathml(element.text, "inline")), start, end


#: An equation's number, ``\tag{1}``: shown beside the formula, outside its MathML, so that a screen
#: reader reads the formula, then its number, not "(1)" as part of it.
_TAG = re.compile(r"\\tag\{([^{}]*)\}")


class _BlockMath(BlockArithmatexProcessor):
    def generic_output(self, parent: etree.Element, math: str) -> None:
        tags = _TAG.findall(math)
        if len(tags) > 1:
            raise MathConversionError(f"cannot convert math {math!r}: more than one \\tag")
        element = etree.SubElement(parent, "div", {"class": "math-display"})
        element.text = self.parser.md.htmlStash.store(to_mathml(_TAG.sub("", math), "block"))
        if tags:
            etree.SubElement(element, "span", {"class": "math-tag"}).text = f"({tags[0].strip()})"


class MathMLExtension(ArithmatexExtension):
    """Arithmatex's syntax, rendered to MathML at build time."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Register arithmatex, then replace its two processors with the MathML ones."""
        self.setConfig("generic", True)
        self.setConfig("tex_inline_wrap", ["", ""])
        super().extendMarkdown(md)
        config = self.getConfigs()
        inline = md.inlinePatterns["arithmatex-inline"]
        md.inlinePatterns.register(_InlineMath(inline.pattern, config, md), "arithmatex-inline", 189.9)
        block = md.parser.blockprocessors["arithmatex-block"]
        md.parser.blockprocessors.register(
            _BlockMath(block.pattern.pattern, config, md), "arithmatex-block", 79.9
        )


def makeExtension(**kwargs: Any) -> MathMLExtension:
    """Return the extension, as Python-Markdown expects."""
    return MathMLExtension(**kwargs)
