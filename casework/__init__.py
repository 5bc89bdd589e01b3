"""The cross-archive request (跨馆查档申请): 申请 → 受理 → 协办 → 办结, or a refusal.

`models` stores requests, each holding archive's part and every transition; `calendar`
counts working days; `services` is the workflow every surface (app, kiosk, workbench,
national platform) goes through; `callbacks` pushes status changes to the platform.
"""
