"""Clients for the CRMs Lastmile syncs with (ADR 20): each turns its vendor's API into RemoteDeal
values and pages with cursors; deals.services.crm_sync applies them."""
