"""Math is converted to MathML when the site is built, and unconvertible TeX fails loudly."""

from __future__ import annotations

import markdown
import pytest

from site_tools.mathml import MathConversionError, to_mathml


def render(text: str) -> str:
    return markdown.Markdown(extensions=["site_tools.mathml"]).convert(text)


def test_inline_math_becomes_inline_mathml():
    html = render(r"The cubic $\hat{y} = a + b x$ is fitted.")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert "$" not in html
    assert "\\hat" not in html


def test_display_math_becomes_a_block():
    html = render("Before.\n\n$$\n\\frac{\\partial L}{\\partial a} = \\sum_{i=1}^{N} x_i\n$$\n")
    assert '<div class="math-display"><math' in html
    assert "<mfrac>" in html
    assert "<mo>∑</mo>" in html  # the summation sign, as a character


def test_an_escaped_dollar_stays_a_dollar():
    assert "costs $5" in render(r"It costs \$5.")


def test_unsupported_tex_fails_instead_of_leaking_into_the_page():
    with pytest.raises(MathConversionError, match="aligned"):
        to_mathml(r"\begin{aligned} a &= b \\ c &= d \end{aligned}", "block")


def test_a_leading_minus_is_a_sign_and_a_binary_minus_is_not():
    minus = "\N{MINUS SIGN}"
    assert f'<mo form="prefix">{minus}</mo><mi>x</mi>' in to_mathml(r"\sin(-x)", "inline")
    assert f'<mo form="prefix">{minus}</mo><mi>π</mi>' in to_mathml(r"[-\pi, \pi]", "inline")
    assert "prefix" not in to_mathml("a - b", "inline")


def test_absolute_value_bars_are_fences():
    mathml = to_mathml(r"|1 - \eta\lambda| < 1", "inline")
    assert mathml.count('form="prefix"') == 1
    assert mathml.count('form="postfix"') == 1
    assert mathml.index('form="prefix"') < mathml.index('form="postfix"')


def test_an_equation_number_stands_beside_the_formula_not_inside_it():
    html = render("$$\ny = \\sin(x) \\tag{2}\n$$\n")
    assert '<span class="math-tag">(2)</span></div>' in html
    formula = html[html.index("<math") : html.index("</math>")]
    assert "2" not in formula
    assert "tag" not in formula
    with pytest.raises(MathConversionError, match="more than one"):
        render("$$\ny = x \\tag{1} \\tag{2}\n$$\n")
