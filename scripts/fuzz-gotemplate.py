#!/usr/bin/env python3
"""Differential fuzzing of the go-template printer against the real kubectl.

Generates random templates (printf verbs and flags, nested function calls,
control structures; or, with "syntax", token soup for the lexer and parser),
renders each with `kubectl annotate --local -f values.json -o go-template=...`
and with kctl's printer (the ignored unit test render_batch), and appends every
difference to fuzz-failures.jsonl in the temporary directory it prints.

Usage: scripts/fuzz-gotemplate.py [COUNT] [SEED] [expr|syntax]
"""
import json, random, subprocess, sys, os, tempfile
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TMP = tempfile.mkdtemp(prefix="gotemplate-fuzz-")
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
ARGS = [".nums.int", ".nums.neg", ".nums.half", ".nums.pi", ".nums.exp", ".nums.tiny", ".nums.big", ".nums.zero",
        ".nums.negf", ".nums.seven", ".kind", ".strs.unicode", ".strs.ctrl", ".strs.empty", ".strs.quote", ".flags.yes", ".nope",
        ".flags.none", ".ints", ".metadata.labels", ".mixed", ".empty.list", "0", "-1", "3.5", '"str"', "'x'", "true",
        "1e20", "123456789.0", "-0.0", "255", "65", "9731", "-255", '"☃é"', '""', "1e-7", "0.000123", "100000.0", "1e6"]
def fmtspec():
    s = "%"
    for _ in range(random.choice([0, 0, 1, 2])):
        s += random.choice("+- #0")
    if random.random() < 0.15:
        s += "[%d]" % random.randint(0, 4)
    r = random.random()
    if r < 0.3: s += str(random.randint(0, 12))
    elif r < 0.35: s += "*"
    if random.random() < 0.3:
        s += "." + random.choice(["", "0", "1", "2", "3", "5", "*"])
    s += random.choice("vvvdsqxXobOcUeEfFgGtTv%zs")
    return s
def printf_case():
    n = random.randint(1, 3)
    f = "".join(random.choice(["", "|", " "]) + fmtspec() for _ in range(n))
    args = " ".join(random.choice(ARGS) for _ in range(random.randint(0, n + 1)))
    if "*" in f: args = str(random.randint(-6, 8)) + " " + args
    return '{{printf %s %s}}' % (json.dumps(f), args)
FUNCS = ["len", "index", "slice", "not", "and", "or", "eq", "ne", "lt", "le", "gt", "ge", "print", "println", "html", "js", "urlquery", "exists"]
def expr(d=0):
    r = random.random()
    if d > 2 or r < 0.5: return random.choice(ARGS + [".", "$", ".people", "$.strlist", ".metadata.name", ".nested", ".strs"])
    f = random.choice(FUNCS)
    return "(%s %s)" % (f, " ".join(expr(d + 1) for _ in range(random.randint(0, 3))))
def action():
    r = random.random()
    if r < 0.3: return "{{%s}}" % expr()[1:-1] if expr().startswith("(") else "{{%s}}" % expr()
    if r < 0.5:
        e = expr(); return "{{%s}}" % (e[1:-1] if e.startswith("(") else e)
    if r < 0.6: return "{{if %s}}T{{else}}F{{end}}" % expr()
    if r < 0.7: return "{{range $i, $e := %s}}[{{$i}}:{{$e}}]{{else}}E{{end}}" % expr()
    if r < 0.8: return "{{with %s}}<{{.}}>{{end}}" % expr()
    if r < 0.9: return "{{%s | %s}}" % (expr(), random.choice(["print", "len", "html", "printf \"%v\"", "not", "js", "urlquery", "base64decode", "and 1", "or 0"]))
    return printf_case()
TOK = ["{{", "}}", "{{", "}}", "{{- ", " -}}", " ", " ", "\n", ".kind", ".metadata.name", ".a", "$x", "$", ":=", "=", "|", "(", ")",
       '"s"', "`r`", "'c'", "1", "-1", "1.5", "0x1F", "if", "else", "end", "range", "with", "define", "template", "block",
       "break", "continue", "nil", "true", "printf", "len", "index", ",", "@", "/*", "*/", '"unterm', "#", "é", ".", ".a.b",
       "$x.y", "else if", "x", "$x :=", "$i, $e :=", '"T"', "{{end}}", "{{else}}", "{{if .kind}}", "{{range .ints}}", "{{with .nope}}",
       '{{define "T"}}', '{{template "T"}}', "text", "}", "{", "-", "'", "\\", "\t", "'ab'", "1e", "0x", "08", "1_0", "9999999999999999999999"]
mode = sys.argv[3] if len(sys.argv) > 3 else "expr"
cases = []
for i in range(N):
    if mode == "syntax":
        t = "".join(random.choice(TOK) for _ in range(random.randint(1, 12)))
        cases.append({"template": t, "input": "values", "flags": None})
        continue
    if random.random() < 0.5:
        t = printf_case()
    else:
        t = "".join(action() + random.choice(["", " ", "\n"]) for _ in range(random.randint(1, 3)))
    flags = ["--allow-missing-template-keys=false"] if random.random() < 0.15 else None
    cases.append({"template": t, "input": "values", "flags": flags})
batch = os.path.join(TMP, "batch.jsonl")
with open(batch, "w") as f:
    for c in cases: f.write(json.dumps(c, ensure_ascii=False) + "\n")
obj = os.path.join(ROOT, "testdata/printers/gotemplate/local/objects/values.json")
want = []
for c in cases:
    cmd = ["kubectl", "annotate", "--local", "--overwrite", "-f", obj, "fixture=x", "-o", "go-template=" + c["template"]] + (c["flags"] or [])
    p = subprocess.run(cmd, capture_output=True)
    want.append({"rc": p.returncode, "stdout": p.stdout.decode("utf-8", "replace"), "stderr": p.stderr.decode("utf-8", "replace")})
env = dict(os.environ, GOTEMPLATE_BATCH=batch)
subprocess.run(["cargo", "test", "--bin", "kctl", "printers::gotemplate::tests::render_batch", "--", "--ignored"], cwd=ROOT, env=env, capture_output=True)
got = [json.loads(l) for l in open(batch + ".out")]
bad = 0
with open(os.path.join(TMP, "fuzz-failures.jsonl"), "a") as ff:
    for c, w, g in zip(cases, want, got):
        if w != g:
            bad += 1
            ff.write(json.dumps({"template": c["template"], "flags": c["flags"], "want": w, "got": g}, ensure_ascii=False) + "\n")
print("fuzz: %d cases, %d differ (%s)" % (len(cases), bad, TMP))
