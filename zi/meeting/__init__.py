"""The kaji tiru meeting pack: one assembly (pack) rendered as PowerPoint (deck), Excel (workbook) and on screen."""
