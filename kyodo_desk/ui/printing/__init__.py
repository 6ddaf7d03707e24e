"""The 印刷 page: printable documents, QtPdf preview, system print dialog at 100 % scale."""
