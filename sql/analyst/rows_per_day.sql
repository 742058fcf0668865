-- Masked rows per event date and policy version, for every dataset (maskstream query --file).
SELECT 'customers' AS dataset, dt, policy_version, count(*) AS rows
FROM customers_masked
GROUP BY ALL
UNION ALL
SELECT 'payments', dt, policy_version, count(*)
FROM payments_masked
GROUP BY ALL
ORDER BY dataset, dt, policy_version;
