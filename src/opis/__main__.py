from opis.cli import app

app(prog_name="opis")
