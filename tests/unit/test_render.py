import jinja2
from markupsafe import Markup

from generator.diagnostics import Report
from generator.read.sources import default_layouts
from generator.render.templates import TEMPLATES, Renderer
from generator.store import Store


def renderer(tmp_path, templates: dict[str, str]) -> Renderer:
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    for name, text in templates.items():
        (layouts / name).write_text(text)
    return Renderer(tmp_path, layouts)


def test_default_layouts_ship_every_template():
    assert all((default_layouts() / name).is_file() for name in TEMPLATES)


def test_site_layouts_override_file_by_file(tmp_path):
    r = renderer(tmp_path, {"page.html": "OWN {{ page.title }}"})
    report = Report()
    assert r.render("page.html", {"page": {"title": "<b>"}}, report) == b"OWN &lt;b&gt;"
    assert r.env.get_template("base.html").filename.startswith(str(default_layouts()))


def test_undefined_variable_names_the_template_and_line(tmp_path):
    r = renderer(tmp_path, {"page.html": "line one\n{{ page.titel }}\n"})
    report = Report()
    assert r.render("page.html", {"page": {"title": "x"}}, report) is None
    r.render("page.html", {"page": {"title": "y"}}, report)
    assert [d.format() for d in report.sorted()] == [
        'layouts/page.html:2:1: error: undefined variable: page.titel is undefined (did you mean "title"?)']


def test_syntax_errors_are_found_before_rendering(tmp_path):
    r = renderer(tmp_path, {"article.html": "{% if %}\n"})
    report = Report()
    assert r.check(report) is False
    assert report.sorted()[0].format().startswith("layouts/article.html:1:1: error: template syntax error")


def test_dict_keys_and_methods_resolve_as_jinja_does(tmp_path):
    r = renderer(tmp_path, {"page.html": "{{ d.title }} {{ d['title'] }} {% for k, v in d.items() %}{{ k }}{% endfor %}"
                                         " {{ d.values is defined }} {{ d.missing is defined }}"})
    report = Report()
    out = r.render("page.html", {"d": {"title": "T", "values": "shadowed"}}, report)
    assert out == b"T T titlevalues True False" and not report.items


def test_attribute_lookups_give_what_stock_jinja_gives(tmp_path):
    """Our compiler reads `a.b` inline (render._CodeGenerator): in loops with a condition, sorts
    and maps by attribute, macros and call blocks, namespaces, nested and chained lookups,
    recursive loops, and on values that are not dicts."""
    text = ("{% for x in d.list if x.a %}{{ x.a }}{{ loop.index }}{% endfor %}|"
            "{% for x in d.list|sort(attribute='a') %}{{ x.a }}{% endfor %}|{{ d.list|map(attribute='a')|list }}|"
            "{% macro m(v) %}{{ v.a }}{% if caller is defined %}{{ caller() }}{% endif %}{% endmacro %}"
            "{{ m(d.list[0]) }}{% call m(d.list[1]) %}in {{ d.title }}{% endcall %}|"
            "{% set ns = namespace(n=0) %}{% for x in d.list %}{% set ns.n = ns.n + x.a %}{% endfor %}{{ ns.n }}|"
            "{% with t = d.nested.inner.deep %}{{ t }}{% endwith %}|{{ d.nested.inner.deep ~ d.title }}|"
            "{{ [d.title, d.nested.inner][1].deep }}|{{ d.obj.real }}|{{ d.s.upper() }}|{{ d.get('title') }}|"
            "{% for a, b in d.pairs %}{{ a.a }}{{ b }}{% endfor %}|{{ d.missing is defined }}|"
            "{% for x in d.list recursive %}{{ x.a }}"
            "{% if x.kids is defined %}({{ loop(x.kids) }}){% endif %}{% endfor %}")
    values = {"d": {"title": "T<", "list": [{"a": 2, "kids": [{"a": 5}]}, {"a": 0}, {"a": 1}],
                    "nested": {"inner": {"deep": "D&"}}, "obj": 3j, "s": "abc", "pairs": [({"a": 1}, "b")]}}
    stock = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    ours = renderer(tmp_path, {"page.html": text})
    assert ours.render("page.html", values, Report()).decode() == stock.from_string(text).render(values)


def test_output_is_escaped_as_jinja_escapes_it(tmp_path):
    text = ("{{ a }}|{{ b }}|{{ n }}|{{ none }}|{{ a|upper }}|{% set x %}<i>{{ a }}</i>{% endset %}{{ x }}|"
            "{% filter upper %}{{ a }}{% endfilter %}|{% macro m(v) %}[{{ v }}]{% endmacro %}{{ m(a) }}|"
            "{% for c in 'ab' %}{{ c ~ a }}{% endfor %}|{{ b ~ a }}|{{ a|safe }}|"
            "{% autoescape false %}{{ a }}{% endautoescape %}")
    values = {"a": "<a href=\"x\">Tom & Jerry's</a>", "b": Markup("<b>"), "n": 3, "none": None}
    stock = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    ours = renderer(tmp_path, {"page.html": text})
    assert ours.render("page.html", values, Report()).decode() == stock.from_string(text).render(values)


def test_compiled_templates_are_kept_in_the_store_for_the_next_build_and_follow_edits(tmp_path, monkeypatch):
    renderer(tmp_path, {"page.html": "A {{ page.title }}"})
    store = Store(tmp_path / "store")
    first = Renderer(tmp_path, tmp_path / "layouts", store)
    assert first.render("page.html", {"page": {"title": "x"}}, Report()) == b"A x"
    store.close()

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again")

    again = Renderer(tmp_path, tmp_path / "layouts", Store(tmp_path / "store"))
    monkeypatch.setattr(again.env, "compile", no_compiling)
    assert again.render("page.html", {"page": {"title": "y"}}, Report()) == b"A y"
    (tmp_path / "layouts" / "page.html").write_text("B {{ page.title }}")
    edited = Renderer(tmp_path, tmp_path / "layouts", Store(tmp_path / "store"))
    assert edited.render("page.html", {"page": {"title": "z"}}, Report()) == b"B z"
