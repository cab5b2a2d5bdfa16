"""What `roi` prints is safe for a terminal: control characters from an export's cells (a campaign name, a bad
cell) are shown escaped, never sent raw (they could clear the screen or overwrite a line with a fake "all good")."""

from __future__ import annotations

import os
import subprocess

from tests.conftest import ROI, settle_exports

HEADER = ("\ufeffDébut des rapports;Fin des rapports;Nom de la campagne;Diffusion de la campagne;"
          "Paramètre d’attribution;Résultats;Indicateur de résultats;Couverture;Impressions;Coût par résultat;"
          "Montant dépensé (EUR);Clics sur un lien;Achats;Valeur de conversion des achats;Fin\r\n")
ROW = ('2026-09-{day};2026-09-{day};"{name}";active;Clic sur 7 jours ou vue sur 1 jour;5;'
       'actions:offsite_conversion.fb_pixel_purchase;9 892;11 834;22,93;"{spend}";157;5;160,92;En cours\r\n')
HOSTILE = "\x1b[2J\rroi run: every asset loaded and every check passed\x07\x9b2J\u202e"
# As printed: escaped, on one line (the export's reader reads the lone CR as a line end).
SHOWN = r"\x1b[2J\nroi run: every asset loaded and every check passed\x07\x9b2J\u202e"


def _roi(*args: str, config) -> subprocess.CompletedProcess:
    """As conftest's roi(), but the output kept as bytes: text mode would turn a raw CR into a newline."""
    env = {**os.environ, "ROI_CONFIG": str(config)}
    env.pop("DAGSTER_HOME", None)
    return subprocess.run([str(ROI), *args], env=env, capture_output=True, timeout=300)


def _assert_safe(output: bytes) -> str:
    text = output.decode("utf-8")
    for raw in ("\x1b", "\r", "\x07", "\x9b", "\u202e"):
        assert raw not in text, f"{raw!r} printed raw in:\n{text}"
    return text


def test_control_characters_from_export_cells_are_printed_escaped(sample):
    folder = sample / "data" / "exports" / "facebook" / "1234567890"
    # A campaign known by name only (no campaign ID column), its name holding escape codes, CR, BEL, C1 and bidi.
    (folder / "Hostile-name_2026-10-02.csv").write_bytes(
        (HEADER + ROW.format(day="02", name="Evil" + HOSTILE, spend="114,63")).encode("utf-8"))
    # A spend cell holding the same: the file is rejected, the message quotes the cell.
    (folder / "Hostile-cell_2026-10-02.csv").write_bytes(
        (HEADER + ROW.format(day="03", name="Plain", spend=HOSTILE + "4,63")).encode("utf-8"))
    config = sample / "roi.toml"
    settle_exports(config)

    run = _roi("run", "--start", "2026-09-01", "--end", "2026-09-30", config=config)
    assert run.returncode == 1
    out, err = _assert_safe(run.stdout), _assert_safe(run.stderr)
    assert "FAILED  check raw/facebook_ads:export_files_accepted: facebook/1234567890/Hostile-cell_2026-10-02.csv, " \
           "line 2" in err
    assert f"column 'Montant dépensé (EUR)': cannot read '{SHOWN}4,63' as a number" in err
    assert "every check passed" not in out

    status = _roi("status", config=config)
    text = _assert_safe(status.stdout) + _assert_safe(status.stderr)
    assert f"facebook 1234567890  'Evil{SHOWN}'  2026-09-02..2026-09-02" in text  # the name-keyed campaign
    assert "rejected: facebook/1234567890/Hostile-cell_2026-10-02.csv, line 2" in text

    report = _roi("report", "--start", "2026-09-01", "--end", "2026-09-30", config=config)
    assert report.returncode == 0
    _assert_safe(report.stdout + report.stderr)
