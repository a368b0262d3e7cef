"""WeasyPrint (Pango, fontconfig) and PDFium are not thread-safe: concurrent renders in one
process crash it. Every use of either engine holds this lock, so a threaded server renders one
document at a time per process; throughput comes from more processes and render workers."""

import threading

ENGINE_LOCK = threading.RLock()
