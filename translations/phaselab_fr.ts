<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>main</name>
    <message>
        <source>X-ray near-field phase retrieval</source>
        <translation>Reconstruction de phase en champ proche des rayons X</translation>
    </message>
    <message>
        <source>Hologram to open (TIFF)</source>
        <translation>Hologramme à ouvrir (TIFF)</translation>
    </message>
    <message>
        <source>Interface language (en, fr)</source>
        <translation>Langue de l’interface (en, fr)</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::GeometryPanel</name>
    <message>
        <source> keV</source>
        <translation> keV</translation>
    </message>
    <message>
        <source>Photon energy E</source>
        <translation>Énergie des photons E</translation>
    </message>
    <message>
        <source> mm</source>
        <translation> mm</translation>
    </message>
    <message>
        <source>Effective propagation distance D (sample to detector)</source>
        <translation>Distance de propagation effective D (échantillon–détecteur)</translation>
    </message>
    <message>
        <source> nm</source>
        <translation> nm</translation>
    </message>
    <message>
        <source>Effective pixel size Δx at the sample</source>
        <translation>Taille de pixel effective Δx dans le plan de l’échantillon</translation>
    </message>
    <message>
        <source>Energy:</source>
        <translation>Énergie :</translation>
    </message>
    <message>
        <source>Distance:</source>
        <translation>Distance :</translation>
    </message>
    <message>
        <source>Pixel size:</source>
        <translation>Taille de pixel :</translation>
    </message>
    <message>
        <source>Wavelength λ:</source>
        <translation>Longueur d’onde λ :</translation>
    </message>
    <message>
        <source>Fresnel number F:</source>
        <translation>Nombre de Fresnel F :</translation>
    </message>
    <message>
        <source>Sampling:</source>
        <translation>Échantillonnage :</translation>
    </message>
    <message>
        <source>%1 nm</source>
        <translation>%1 nm</translation>
    </message>
    <message>
        <source>N ≥ 1/F = %1 px</source>
        <translation>N ≥ 1/F = %1 px</translation>
    </message>
    <message>
        <source>; this image has %1 px: the propagator kernel is undersampled (padding helps; the periodic result stays exact)</source>
        <translation> ; cette image a %1 px : le noyau du propagateur est sous-échantillonné (le remplissage aide ; le résultat périodique reste exact)</translation>
    </message>
    <message>
        <source>; this image has %1 px: well sampled</source>
        <translation> ; cette image a %1 px : bien échantillonné</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::ImageView</name>
    <message>
        <source>No image</source>
        <translation>Aucune image</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::JobRunner</name>
    <message>
        <source>Out of memory</source>
        <translation>Mémoire insuffisante</translation>
    </message>
    <message>
        <source>Unknown error</source>
        <translation>Erreur inconnue</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::MainWindow</name>
    <message>
        <source>PhaseLab</source>
        <translation>PhaseLab</translation>
    </message>
    <message>
        <source>Geometry</source>
        <translation>Géométrie</translation>
    </message>
    <message>
        <source>value</source>
        <translation>valeur</translation>
    </message>
    <message>
        <source>pixels</source>
        <translation>pixels</translation>
    </message>
    <message>
        <source>Histogram</source>
        <translation>Histogramme</translation>
    </message>
    <message>
        <source>Cannot open</source>
        <translation>Ouverture impossible</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>&amp;Ouvrir…</translation>
    </message>
    <message>
        <source>Open &amp;demo hologram</source>
        <translation>Ouvrir l’hologramme de &amp;démonstration</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>&amp;Agrandir</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>&amp;Réduire</translation>
    </message>
    <message>
        <source>&amp;Fit to window</source>
        <translation>A&amp;juster à la fenêtre</translation>
    </message>
    <message>
        <source>&amp;Actual size (1:1)</source>
        <translation>&amp;Taille réelle (1:1)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>&amp;About PhaseLab</source>
        <translation>À &amp;propos de PhaseLab</translation>
    </message>
    <message>
        <source>Still loading; wait or cancel first</source>
        <translation>Chargement en cours ; attendez ou annulez d’abord</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Chargement de %1…</translation>
    </message>
    <message>
        <source>Simulating the demo hologram…</source>
        <translation>Simulation de l’hologramme de démonstration…</translation>
    </message>
    <message>
        <source>demo hologram (Au/Pd/Zn phantom, 13 keV, 20 mm, 12 nm)</source>
        <translation>hologramme de démonstration (fantôme Au/Pd/Zn, 13 keV, 20 mm, 12 nm)</translation>
    </message>
    <message>
        <source>intensity</source>
        <translation>intensité</translation>
    </message>
    <message>
        <source>demo hologram</source>
        <translation>hologramme de démonstration</translation>
    </message>
    <message>
        <source>%1 — PhaseLab</source>
        <translation>%1 — PhaseLab</translation>
    </message>
    <message>
        <source>%1: %2 × %3 pixels, values %4 … %5</source>
        <translation>%1 : %2 × %3 pixels, valeurs %4 … %5</translation>
    </message>
    <message numerus="yes">
        <source>; warning: %n non-finite (NaN/Inf) pixel(s), shown black</source>
        <translation>
            <numerusform> ; attention : %n pixel non fini (NaN/Inf), affiché en noir</numerusform>
            <numerusform> ; attention : %n pixels non finis (NaN/Inf), affichés en noir</numerusform>
        </translation>
    </message>
    <message>
        <source>x = %1, y = %2   pixel (%3, %4)   value %5</source>
        <translation>x = %1, y = %2   pixel (%3, %4)   valeur %5</translation>
    </message>
    <message>
        <source>Open hologram</source>
        <translation>Ouvrir un hologramme</translation>
    </message>
    <message>
        <source>TIFF images (*.tif *.tiff);;All files (*)</source>
        <translation>Images TIFF (*.tif *.tiff);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>About PhaseLab</source>
        <translation>À propos de PhaseLab</translation>
    </message>
    <message>
        <source>&lt;h3&gt;PhaseLab %1&lt;/h3&gt;&lt;p&gt;X-ray near-field (in-line holography) phase retrieval: Fresnel forward model, classical and learned reconstruction, resolution metrics.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;PhaseLab %1&lt;/h3&gt;&lt;p&gt;Reconstruction de phase en champ proche des rayons X (holographie en ligne) : modèle direct de Fresnel, reconstructions classiques et par apprentissage, mesures de résolution.&lt;/p&gt;</translation>
    </message>
</context>
</TS>
