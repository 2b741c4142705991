"""Generic CSV record reading for the exports: records, the line each starts on, malformed rows."""

from __future__ import annotations

import csv

from fitness_assets.lib.raw.formats import csv_reader, unreadable_csv


def read_csv_records(text: str, header_len: int, file_name: str = "the CSV export"
                     ) -> tuple[list[list[str]], list[int], list[tuple[int, list[str]]]]:
    """Split CSV text into records, with the physical line each record starts on.

    Quoted notes may span lines, so a record's line is not its index + 2. Records with the
    wrong number of fields are returned separately so they can be quarantined. Lines end at
    CRLF, LF or a lone CR (formats.csv_reader); any field length is accepted.
    """
    reader = csv_reader(text)
    records, lines, malformed = [], [], []
    try:
        next(reader, None)
        previous_end = reader.line_num
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not record:
                continue  # blank line between records carries no data
            if len(record) != header_len:
                malformed.append((start, record))
            else:
                records.append(record)
                lines.append(start)
    except csv.Error as err:  # not expected with csv_reader's settings: still a clear rejection
        raise unreadable_csv(file_name, reader.line_num, err) from None
    return records, lines, malformed
