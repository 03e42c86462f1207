"""El bucket S3 del portal: el ``S3Storage`` de django-storages con el tipo de cada objeto
tomado de su nombre guardado (``seguimiento/almacenamiento.py`` explica el resto).

django-storages guarda cada objeto con el tipo que declaró el navegador al subirlo: un PDF
subido como «acta.html» quedaría en el bucket como ``text/html``, y quien lo abriera
directamente del bucket (un enlace firmado, la consola del proveedor) vería una página. Aquí el
tipo sale del nombre guardado, cuya extensión es la del tipo detectado por el contenido
(``archivos.mime_guardado``), y cada objeto se marca como adjunto. El portal no depende de esto
para sus descargas (las entrega él, con sus encabezados): es la misma regla en el bucket.
"""

from storages.backends.s3 import S3Storage

from .archivos import mime_guardado


class AlmacenamientoS3(S3Storage):
    def get_object_parameters(self, name):
        parametros = super().get_object_parameters(name)
        parametros["ContentType"] = mime_guardado(name)
        parametros["ContentDisposition"] = "attachment"
        return parametros
