-- Silver app.orders: one row per order_id, the latest version extracted.
{{ app_latest('orders', 'order_id', 'updated_at') }}
