"""The shared Jinja environment (evidencewatch.reporting.templating): escaping and display text."""

from __future__ import annotations

from markupsafe import Markup

from evidencewatch.reporting.templating import display_text, make_env

RLO, PDF, RLI, PDI = "\u202e", "\u202c", "\u2067", "\u2069"


def render(source: str, **values: object) -> str:
    return make_env().from_string(source).render(**values)


def test_every_expression_is_autoescaped():
    assert render("{{ x }}", x="<b>a</b> & b") == "&lt;b&gt;a&lt;/b&gt; &amp; b"


def test_bidi_controls_are_removed_from_every_expression_without_a_filter():
    note = f"approved {RLO}devlovni ton{PDF} {RLI}x{PDI}"
    assert render("<p>{{ note }}</p>", note=note) == "<p>approved devlovni ton x</p>"
    assert render('<input value="{{ v }}">', v=f"{RLO}<x>") == '<input value="&lt;x&gt;">'
    assert note == f"approved {RLO}devlovni ton{PDF} {RLI}x{PDI}"  # the value itself is untouched


def test_bidi_controls_are_removed_from_filter_and_macro_output_which_stays_markup():
    source = (
        "{% macro t(m) %}[{{ m|pubmed_markup }}]{% endmacro %}"
        "{{ title|pubmed_markup }} {{ t(title) }} {{ snippet|highlight([[1, 5, 'gene']]) }}"
    )
    out = render(source, title=f"<i>{RLO}a</i>", snippet=f"{RLO}ESR1 x")
    assert out == '<i>a</i> [<i>a</i>] <mark class="hl-gene">ESR1</mark> x'


class Named:
    def __str__(self) -> str:
        return f"{RLO}eman"


def test_values_that_are_not_strings_are_shown_without_bidi_controls_too():
    assert render("{{ obj }}", obj=Named()) == "eman"
    assert RLO not in render("{{ pair }}", pair=[f"{RLO}a", 1])
    assert render("{{ n }} {{ none }}", n=3, none=None) == "3 None"


def test_display_text_keeps_the_type_of_what_it_is_given():
    assert isinstance(display_text(Markup(f"<i>{RLO}</i>")), Markup)
    assert display_text(7) == 7 and display_text(None) is None
    plain = ["ok"]
    assert display_text(plain) is plain  # nothing to remove: the object itself
