"""Tag lists as the differential tests read and write them: one name a
line, latin-1 so Python matches bytes as tagmirror does, no line lost
(a name may hold any byte but the newline)."""


def lines(path):
    with open(path, encoding="latin-1", newline="") as f:
        data = f.read()
    if data.endswith("\n"):
        data = data[:-1]
    return data.split("\n") if data else []


def write(path, rows):
    with open(path, "w", encoding="latin-1", newline="") as f:
        f.write("".join(r + "\n" for r in rows))
