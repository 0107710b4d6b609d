-- Why each synchronisation ran (« manuelle », « démarrage », « nouveaux réglages », « connexion
-- retrouvée »…) and, for one that failed, the named error that ended it: the window tells a run
-- started by saving the settings from the others, and an unreachable server from a refusal.
ALTER TABLE sync_run ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_run ADD COLUMN error TEXT NOT NULL DEFAULT '';
