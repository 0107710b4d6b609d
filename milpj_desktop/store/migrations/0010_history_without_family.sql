-- The history of printed handouts keeps nothing about a family: lines written by earlier versions
-- lose their birth date, due date, appointment day and time, and free line (the page says so).
UPDATE handout_print
SET params = json_remove(params, '$.naissance', '$.terme', '$.date', '$.heure', '$.ligne')
WHERE json_valid(params);
