"""Annotated logs (fixtures/report, the shared corpus): headers, a blank
line, then the log. Shared by the Python tests."""
import os


def logs(directory):
    """Yield (name, log text) for every annotated log of directory."""
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
        if '\n\n' in text:
            yield name, text.split('\n\n', 1)[1]
