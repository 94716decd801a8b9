package io.ailake.ingest;

import io.ailake.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.RequestContext;

/**
 * The parts of a {@code multipart/form-data} body, one at a time as the body streams in (Commons
 * FileUpload's streaming API): a part's bytes are read by its consumer and never held whole.
 */
final class MultipartFiles {

  /** One part: its form field, the file name and content type it declares, and its bytes as they arrive. */
  record Part(String field, String fileName, String contentType, boolean formField, InputStream content) {}

  interface Consumer {
    void accept(Part part) throws IOException;
  }

  private MultipartFiles() {}

  /** Hands every part of the body to {@code consumer}, in order; a body that is no multipart form is a 400. */
  static void each(String contentType, long contentLength, InputStream body, Consumer consumer) {
    if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
      throw new ApiException(415, "Unsupported Media Type", "Files are uploaded as multipart/form-data, in parts named file");
    }
    Upload upload = new Upload();
    upload.setHeaderCharset(StandardCharsets.UTF_8);
    try {
      FileItemInputIterator parts = upload.getItemIterator(new Body(contentType, contentLength, body));
      while (parts.hasNext()) {
        FileItemInput part = parts.next();
        try (InputStream content = part.getInputStream()) {
          consumer.accept(new Part(part.getFieldName(), part.getName(), part.getContentType(), part.isFormField(),
              content));
        }
      }
    } catch (FileUploadException e) {
      throw ApiException.badRequest("The body is no well-formed multipart/form-data: %s", e.getMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("The upload could not be read to its end: %s", e.getMessage());
    }
  }

  /** The request as FileUpload reads it. */
  private record Body(String contentType, long contentLength, InputStream body) implements RequestContext {
    @Override
    public String getCharacterEncoding() {
      return StandardCharsets.UTF_8.name();
    }

    @Override
    public long getContentLength() {
      return contentLength;
    }

    @Override
    public String getContentType() {
      return contentType;
    }

    @Override
    public InputStream getInputStream() {
      return body;
    }

    @Override
    public boolean isMultipartRelated() {
      return false;
    }
  }

  /** FileUpload's parser over a {@link Body}; only its streaming iterator is used. */
  private static final class Upload extends AbstractFileUpload<Body, DiskFileItem, DiskFileItemFactory> {
    @Override
    public FileItemInputIterator getItemIterator(Body body) throws FileUploadException, IOException {
      return super.getItemIterator((RequestContext) body);
    }

    @Override
    public java.util.Map<String, java.util.List<DiskFileItem>> parseParameterMap(Body body) {
      throw new UnsupportedOperationException("parts are streamed, not parsed whole");
    }

    @Override
    public java.util.List<DiskFileItem> parseRequest(Body body) {
      throw new UnsupportedOperationException("parts are streamed, not parsed whole");
    }
  }
}
