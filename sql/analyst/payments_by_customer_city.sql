-- Captured payment volume per customer city: payments joined to customers on the tokenized
-- customer id, which both policies tokenize with the same key. No raw id is ever needed.
WITH customers AS (
  SELECT customer_id, any_value(city) AS city
  FROM customers_masked
  GROUP BY customer_id
)
SELECT c.city,
       count(DISTINCT p.customer_id) AS customers,
       count(*)                      AS payments,
       sum(p.amount)                 AS amount
FROM payments_masked AS p
JOIN customers AS c USING (customer_id)
WHERE p.status = 'captured'
GROUP BY c.city
ORDER BY amount DESC
LIMIT 10;
