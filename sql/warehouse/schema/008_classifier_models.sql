-- The model behind fitness.activity_classification, one row per athlete (and one per centroid),
-- written by `activity_classification` in the same transaction as the labels, so the dashboard's
-- Classifier page shows the centroids and silhouettes the stored labels were made with.
CREATE TABLE fitness.classifier_models (
    athlete_id      text PRIMARY KEY REFERENCES fitness.athletes,
    model_version   text NOT NULL,
    method          text,                       -- kmeans, era_default or rule (NULL: only user labels)
    k               integer,                    -- clusters kept (K-means only)
    silhouette_k2   double precision,           -- silhouette of the k = 2 fit (K-means only)
    silhouette_k3   double precision,           -- … and of k = 3 when it was tried
    activities      integer NOT NULL,           -- in scope: logged runs and walks, and user-labelled
    modelled        integer NOT NULL,           -- entered the fit (outliers and user labels excluded)
    outliers        integer NOT NULL
);

CREATE TABLE fitness.classifier_centroids (
    athlete_id       text NOT NULL REFERENCES fitness.classifier_models ON DELETE CASCADE,
    cluster          integer NOT NULL,           -- 1 = fastest centroid
    label            text NOT NULL CHECK (label IN ('run', 'walk', 'mixed')),
    size             integer NOT NULL,
    pace_min_per_km  double precision NOT NULL,
    distance_km      double precision NOT NULL,
    duration_min     double precision NOT NULL,
    PRIMARY KEY (athlete_id, cluster)
);
