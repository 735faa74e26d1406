-- Silver app.products: one row per product_id, the latest version extracted.
{{ app_latest('products', 'product_id', 'updated_at') }}
