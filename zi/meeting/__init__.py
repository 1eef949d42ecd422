"""The kaji tiru meeting pack, in two layers: `content` assembles what the pack says once (`content.pack`),
`render` draws it as PowerPoint (`render.deck`), Excel (`render.workbook`) and the meeting-room screens
(`render.screens`)."""
