"""How a meeting pack is drawn: PowerPoint (deck, its charts, tables and layout), Excel (workbook) and the
meeting-room screens of Mode presentasi (screens). Each only reads a `content.model.MeetingPack`."""
