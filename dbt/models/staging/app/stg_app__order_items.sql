-- Silver app.order_items: one row per order_item_id, the latest version extracted.
{{ app_latest('order_items', 'order_item_id', 'updated_at') }}
