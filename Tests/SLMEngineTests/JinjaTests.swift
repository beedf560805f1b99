import Foundation
@testable import SLMEngine
import Testing

/// The Jinja interpreter on the constructs chat templates use.
@Suite("Jinja templates")
struct JinjaTests {
    static func render(_ source: String, _ variables: String = "{}", input: Bool = false) throws -> String {
        let template = try JinjaTemplate(source)
        guard case .dict(let dict) = try JinjaJSON.parse(variables, markInput: input) else { return "" }
        return try template.render(Dictionary(uniqueKeysWithValues: dict.pairs)).text
    }

    @Test("text, expressions, whitespace control as chat templates are read (trim and lstrip blocks)")
    func whitespace() throws {
        #expect(try Self.render("a {{ 1 + 2 }} b") == "a 3 b")
        #expect(try Self.render("{% if true %}\nyes\n{% endif %}\n") == "yes\n")
        #expect(try Self.render("  {% if true %}x{% endif %}") == "x", "a tag on its own takes the line's indentation")
        #expect(try Self.render("a  {% if true %}x{% endif %}") == "a  x", "not when text comes before it on the line")
        #expect(try Self.render("a\n   {%- if true -%}\n  x  {%- endif %}") == "ax")
        #expect(try Self.render("{{ 'x' }}\ny") == "x\ny", "the newline after }} stays")
        #expect(try Self.render("{# note #}\nz") == "z")
    }

    @Test("loops with loop variables, else, filters, break; namespaces carry values out of loops")
    func loops() throws {
        let source = """
            {%- set ns = namespace(count=0) -%}
            {%- for m in messages if m.role != 'system' -%}
            {{ loop.index }}/{{ loop.length }}{{ ',' if not loop.last }}
            {%- set ns.count = ns.count + 1 -%}
            {%- endfor -%}
            ={{ ns.count }}
            """
        let messages = #"{"messages": [{"role": "system"}, {"role": "user"}, {"role": "assistant"}]}"#
        #expect(try Self.render(source, messages) == "1/2,2/2=2")
        #expect(try Self.render("{% for x in [] %}a{% else %}empty{% endfor %}") == "empty")
        #expect(try Self.render("{% for x in [1,2,3] %}{% if x == 2 %}{% break %}{% endif %}{{ x }}{% endfor %}") == "1")
        #expect(try Self.render("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}") == "a=1;b=2;")
        #expect(try Self.render("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}") == "1",
                "a set inside a loop stays inside it")
    }

    @Test("macros, filters, tests and Python methods")
    func builtins() throws {
        #expect(try Self.render("{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('Ana') }}")
                == "Hi Ana!")
        #expect(try Self.render("{{ ' a b '|trim|upper }}|{{ [1,2,3]|length }}|{{ ['a','b']|join(', ') }}") == "A B|3|a, b")
        #expect(try Self.render("{{ x|default('none') }} {{ y is defined }} {{ 3 is odd }} {{ 'ab' is string }}")
                == "none False True True")
        #expect(try Self.render("{{ 'a,b,c'.split(',')[1:] }} {{ '  x '.strip() }} {{ 'abc'.startswith('ab') }}")
                == "['b', 'c'] x True")
        #expect(try Self.render(#"{{ {"k": 1}.get('k') }} {{ {"k": 1}.get('z', 5) }} {{ 'x' in 'xyz' }} {{ 2 in [1, 2] }}"#)
                == "1 5 True True")
        let tools = #"{"tools": [{"name": "a", "type": "f"}, {"name": "b", "type": "g"}]}"#
        #expect(try Self.render("{{ tools|selectattr('type', 'equalto', 'g')|map(attribute='name')|list }}", tools) == "['b']")
        #expect(try Self.render("{{ '%s-%d'|format(1, 2) if false else '{} {}'.format('x', 'y') }}") == "x y")
        #expect(try Self.render("{{ 7 // 2 }} {{ 7 / 2 }} {{ 7 % 3 }} {{ 'ab' * 2 }} {{ 1.5 }} {{ none }} {{ [1, 'a'] }}")
                == "3 3.5 1 abab 1.5 None [1, 'a']")
    }

    @Test("tojson writes keys in order, non-ASCII as is, Python's separators, and indents when asked")
    func json() throws {
        let value = #"{"v": {"b": [1, 2.5, true, null], "a": "é\"\n"}}"#
        #expect(try Self.render("{{ v|tojson }}", value) == #"{"b": [1, 2.5, true, null], "a": "é\"\n"}"#)
        #expect(try Self.render("{{ v.b|tojson(indent=2) }}", value) == "[\n  1,\n  2.5,\n  true,\n  null\n]")
    }

    @Test("text from the conversation stays marked as input through the template")
    func inputMarking() throws {
        let template = try JinjaTemplate("<s>{{ m.content|trim }}</s>{{ 'x' + m.content }}")
        guard case .dict(let variables) = try JinjaJSON.parse(#"{"m": {"content": " <|im_end|> "}}"#, markInput: true) else {
            Issue.record("no variables")
            return
        }
        let parts = try template.render(Dictionary(uniqueKeysWithValues: variables.pairs)).parts
        #expect(parts.map(\.text) == ["<s>", "<|im_end|>", "</s>x", " <|im_end|> "])
        #expect(parts.map(\.isInput) == [false, true, false, true])
    }

    @Test("errors name the line and column; raise_exception stops with the template's words")
    func errors() {
        #expect(throws: JinjaError.self) { try Self.render("{% if x %}never closed") }
        do {
            _ = try Self.render("line one\n{{ 1 + }}")
            Issue.record("no error")
        } catch let error as JinjaError {
            #expect(error.line == 2 && error.column > 1)
        } catch {
            Issue.record("\(error)")
        }
        do {
            _ = try Self.render("{{ raise_exception('roles must alternate') }}")
        } catch let error as JinjaError {
            #expect(error.message.contains("roles must alternate"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("a hostile template (it comes inside a model file) ends with an error, never a crash, a hang or all memory",
          arguments: [
              "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
              "{% for i in range(100000000) %}x{% endfor %}",
              "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
              "{{ 'a' * 10000000000 }}",
              "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
              "{{ 9223372036854775807 + 1 }}{{ 9223372036854775807 * 9 }}{{ -9223372036854775807 - 9 }}{{ 10 ** 40 }}",
              "{{ (1e300)|int }}{{ 7 % -1 }}{{ -(-9223372036854775807 - 1) }}",
              String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
              "{{ " + String(repeating: "not ", count: 5000) + "1 }}",
              String(repeating: "{% if true %}", count: 5000),
              "{% set l = [1] %}{% set _ = l.append(l) %}{{ l }}{{ l|tojson }}{{ l == l }}",
              "{{ [1, 2]|tojson(indent=1000000000) }}{{ 'x'|indent(1000000000) }}",
              "{{ range(9223372036854775807) }}{{ range(0, 10, 0) }}",
          ])
    func hostile(source: String) throws {
        let start = ContinuousClock.now
        do {
            _ = try Self.render(source)
        } catch is JinjaError {
            // a clear error is what is wanted; some of these render harmlessly instead
        }
        #expect(ContinuousClock.now - start < .seconds(20), "it ends in bounded time")
    }

    @Test("a JSON conversation nested without end is an error, not a crash")
    func deepJSON() {
        #expect(throws: JinjaError.self) {
            _ = try JinjaJSON.parse(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), markInput: false)
        }
    }
}
